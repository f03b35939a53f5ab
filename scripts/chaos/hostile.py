"""Hostile clients for scripts/chaos.sh, run in a container beside the victim; every attack is
bounded in size and time. Usage: hostile.py HOST
  giant headers (4 MB) to :8000, the endless chunked body and the 2^40 Content-Length from :8001
  (read for 120 MB each), a RESP bulk claiming 2^31 bytes (24 MB sent) and arrays nested a million
  deep to :6379, a PostgreSQL message claiming 2^31 bytes (24 MB sent) to :5432, and 3,000 half-open
  connections to :8001 held for 20 s. Each attack is timed and bounded; one that fails is reported
  and the next one still runs. Prints what it did and how long each took."""
import socket
import sys
import time

HOST = sys.argv[1]


def connect(port):
    s = socket.create_connection((HOST, port), timeout=30)
    s.settimeout(30)
    return s


def send_quietly(s, data):
    try:
        s.sendall(data)
    except OSError:
        pass  # the server gave up on us: fine, the bytes that went are on the wire


def read(s, limit):
    got = 0
    try:
        while got < limit:
            data = s.recv(1 << 16)
            if not data:
                break
            got += len(data)
    except OSError:
        pass
    return got


def giant_headers():
    s = connect(8000)
    send_quietly(s, b"GET /giant HTTP/1.1\r\nHost: victim\r\n"
                 + (b"X-Filler: " + b"a" * 1000 + b"\r\n") * 4000 + b"\r\n")
    read(s, 1 << 20)
    s.close()
    return "giant headers: 4 MB sent"


def endless(path):
    s = connect(8001)
    send_quietly(s, b"GET " + path + b" HTTP/1.1\r\nHost: victim\r\n\r\n")
    got = read(s, 120 * 1024 * 1024)
    s.close()
    return "%s: %d MB read" % (path.decode(), got >> 20)


def resp():
    s = connect(6379)
    send_quietly(s, b"*2\r\n$3\r\nSET\r\n$2147483648\r\n")
    for _ in range(384):
        send_quietly(s, b"v" * 65536)
    s.close()
    s = connect(6379)
    send_quietly(s, b"*1\r\n" * 1_000_000)
    s.close()
    return "RESP: a 2^31 bulk (24 MB sent), arrays nested 1,000,000 deep"


def postgres():
    s = connect(5432)
    send_quietly(s, (18).to_bytes(4, "big") + (196608).to_bytes(4, "big") + b"user\0app\0\0")
    send_quietly(s, b"Q" + (0x7FFFFFFF).to_bytes(4, "big") + b"SELECT ")
    for _ in range(384):
        send_quietly(s, b"s" * 65536)
    s.close()
    return "PostgreSQL: a message claiming 2^31 bytes (24 MB sent)"


def half_open(n, seconds):
    # to the responder (its listen backlog is 4,096; http.server's is 5, so a busy machine
    # would spend minutes in SYN retries before the connections are even open)
    held = []
    start = time.monotonic()
    for _ in range(n):
        if time.monotonic() - start > 60:
            break
        try:
            s = connect(8001)
            s.sendall(b"GET /half-")
            held.append(s)
        except OSError:
            break
    time.sleep(seconds)
    for s in held:
        s.close()
    return "half-open: %d connections held %d s" % (len(held), seconds)


def run(attack, *args):
    start = time.monotonic()
    try:
        what = attack(*args)
    except OSError as e:
        what = "%s: failed: %s" % (attack.__name__, e)
    print("%s (%.1f s)" % (what, time.monotonic() - start), flush=True)


begin = time.monotonic()
run(giant_headers)
run(endless, b"/endless")
run(endless, b"/huge")
run(resp)
run(postgres)
run(half_open, 3000, 20)
print("hostile: done in %.0f s" % (time.monotonic() - begin), flush=True)
