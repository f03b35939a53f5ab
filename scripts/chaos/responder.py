"""A hostile HTTP server for scripts/chaos.sh, run inside a captured container: each connection
gets one of the answers an agent must survive, chosen by the request path, bounded in size.
  /endless   Transfer-Encoding: chunked, 4 KB chunks for 120 MB, never the last chunk
  /huge      Content-Length: 2^40, then 120 MB of body, then the connection is closed
Other paths: a plain 200. Listens on the port given as its argument."""
import socket
import sys
import threading

CHUNK = b"1000\r\n" + b"z" * 4096 + b"\r\n"
BODY = b"y" * 65536
LIMIT = 120 * 1024 * 1024


def serve(conn):
    try:
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            data = conn.recv(4096)
            if not data:
                return
            head += data
        path = head.split(b" ", 2)[1] if head.count(b" ") >= 2 else b"/"
        sent = 0
        if path.startswith(b"/endless"):
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            while sent < LIMIT:
                conn.sendall(CHUNK * 16)
                sent += len(CHUNK) * 16
        elif path.startswith(b"/huge"):
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n")
            while sent < LIMIT:
                conn.sendall(BODY)
                sent += len(BODY)
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    except OSError:
        pass
    finally:
        conn.close()


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(sys.argv[1])))
    s.listen(4096)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


main()
