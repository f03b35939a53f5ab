#!/usr/bin/env python3
"""The demo application that scripts/record-demo.sh records into demo/demo.bundle.

One script, one role per network namespace:
  api             the shop's API: Redis cache, PostgreSQL catalogue, MariaDB orders, the
                  recommendations service, an external payment provider
  recommendations fails part of the time (503 when "overloaded")
  worker          takes jobs from a Redis queue, updates PostgreSQL and MariaDB
  payments        the external payment provider (not a container: named by its Host header)
  load            browsers on the internet calling the web front ends
Real drivers (redis-py, psycopg2, PyMySQL) make the traffic what a real application sends.
"""
import http.client
import http.server
import json
import random
import socketserver
import sys
import threading
import time
import urllib.parse

REDIS = ("10.78.0.51", 6379)
POSTGRES = dict(host="10.78.0.52", port=5432, user="app", password="pg-pw", dbname="shop", sslmode="disable")
MYSQL = dict(host="10.78.0.53", port=3306, user="app", password="my-pw", database="shop", autocommit=True)
RECOMMENDATIONS = ("10.78.0.31", 8080)
PAYMENTS = ("10.78.0.90", 80, "api.payments.example")
WEB = [("10.78.0.11", 80), ("10.78.0.12", 80)]


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


local = threading.local()


def redis_client():
    import redis
    if not hasattr(local, "redis"):
        local.redis = redis.Redis(host=REDIS[0], port=REDIS[1], socket_timeout=2)
    return local.redis


def pg():
    import psycopg2
    if getattr(local, "pg", None) is None or local.pg.closed:
        local.pg = psycopg2.connect(**POSTGRES)
        local.pg.autocommit = True
    return local.pg


def mysql():
    import pymysql
    if getattr(local, "mysql", None) is None or not local.mysql.open:
        local.mysql = pymysql.connect(**MYSQL)
    return local.mysql


def http_call(target, method, path, body=None, host=None):
    conn = getattr(local, f"http_{target[0]}", None)
    if conn is None:
        conn = http.client.HTTPConnection(target[0], target[1], timeout=3)
        setattr(local, f"http_{target[0]}", conn)
    headers = {"Host": host or target[0], "Content-Type": "application/json"}
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, data
    except (OSError, http.client.HTTPException):
        conn.close()
        setattr(local, f"http_{target[0]}", None)
        return 599, b""


class Api(Handler):
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        try:
            if url.path.startswith("/api/products/"):
                pid = int(url.path.rsplit("/", 1)[1])
                cached = redis_client().get(f"product:{pid}")
                if cached is None:
                    with pg().cursor() as c:
                        c.execute("SELECT id, name, price FROM products WHERE id = %s", (pid,))
                        row = c.fetchone()
                    if row is None:
                        return self.reply(404, '{"error":"no such product"}')
                    cached = json.dumps({"id": row[0], "name": row[1], "price": row[2]})
                    redis_client().set(f"product:{pid}", cached, ex=20)
                status, recs = http_call(RECOMMENDATIONS, "GET", f"/recommend?product={pid}")
                product = json.loads(cached)
                product["recommended"] = json.loads(recs) if status == 200 else []
                redis_client().zincrby("popular", 1, pid)
                return self.reply(200, json.dumps(product))
            if url.path == "/api/report":
                with pg().cursor() as c:  # the slow query
                    c.execute("SELECT pg_sleep(0.35), count(*), sum(price) FROM products")
                    row = c.fetchone()
                return self.reply(200, json.dumps({"products": row[1], "value": row[2]}))
            if url.path == "/api/search":
                q = urllib.parse.parse_qs(url.query).get("q", [""])[0]
                with pg().cursor() as c:
                    if random.random() < 0.15:  # a bug: a table that was renamed
                        c.execute("SELECT id, name FROM product_search WHERE name LIKE %s LIMIT 10", (f"%{q}%",))
                    else:
                        c.execute("SELECT id, name FROM products WHERE name LIKE %s LIMIT 10", (f"%{q}%",))
                    rows = c.fetchall()
                return self.reply(200, json.dumps([{"id": r[0], "name": r[1]} for r in rows]))
            if url.path == "/api/health":
                return self.reply(200, '{"status":"up"}')
            return self.reply(404, '{"error":"not found"}')
        except Exception as e:  # noqa: BLE001 - the demo shows the failure as a 500
            local.pg = None
            return self.reply(500, json.dumps({"error": str(e).splitlines()[0]}))

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        try:
            if self.path == "/api/orders":
                status, _ = http_call(PAYMENTS[:2], "POST", "/v1/charges",
                                      json.dumps({"amount": body.get("qty", 1) * 300}), host=PAYMENTS[2])
                if status >= 500:
                    return self.reply(502, '{"error":"payment provider failed"}')
                with mysql().cursor() as c:
                    c.execute("INSERT INTO orders (product, qty, status) VALUES (%s, %s, 'paid')",
                              (body.get("product", 1), body.get("qty", 1)))
                    order = c.lastrowid
                redis_client().lpush("jobs", json.dumps({"order": order, "product": body.get("product", 1)}))
                return self.reply(201, json.dumps({"order": order}))
            return self.reply(404, '{"error":"not found"}')
        except Exception as e:  # noqa: BLE001
            local.mysql = None
            return self.reply(500, json.dumps({"error": str(e).splitlines()[0]}))


class Recommendations(Handler):
    def do_GET(self):
        if random.random() < 0.22:
            time.sleep(random.uniform(0.05, 0.2))
            return self.reply(503, '{"error":"overloaded"}')
        top = redis_client().zrevrange("popular", 0, 4)
        if random.random() < 0.05:
            time.sleep(0.15)
        return self.reply(200, json.dumps([int(x) for x in top]))


class Payments(Handler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        time.sleep(random.uniform(0.02, 0.09))
        if random.random() < 0.06:
            return self.reply(502, '{"error":"upstream bank timeout"}')
        return self.reply(201, json.dumps({"charge": f"ch_{random.getrandbits(40):x}", "status": "succeeded"}))


def serve(handler, ip, port):
    Server((ip, port), handler).serve_forever()


def worker():
    r = redis_client()
    while True:
        job = r.brpop("jobs", timeout=1)
        if job is None:
            continue
        payload = json.loads(job[1])
        try:
            with pg().cursor() as c:
                c.execute("UPDATE products SET stock = stock - 1 WHERE id = %s", (payload["product"],))
            with mysql().cursor() as c:
                c.execute("UPDATE orders SET status = 'shipped' WHERE id = %s", (payload["order"],))
            r.incr("shipped")
        except Exception:  # noqa: BLE001
            local.pg = None
            local.mysql = None


def load(seconds, rate):
    end = time.time() + seconds

    def browser(n):
        target = WEB[n % len(WEB)]
        conn = http.client.HTTPConnection(*target, timeout=5)
        rng = random.Random(n)
        while time.time() < end:
            r = rng.random()
            if r < 0.12:
                method, path, body = "GET", "/", None
            elif r < 0.2:
                method, path, body = "GET", "/static/app.js", None
            elif r < 0.23:
                method, path, body = "GET", "/favicon.ico", None
            elif r < 0.68:
                method, path, body = "GET", f"/api/products/{rng.randint(1, 80)}", None
            elif r < 0.84:
                method, path, body = "POST", "/api/orders", json.dumps({"product": rng.randint(1, 80), "qty": rng.randint(1, 3)})
            elif r < 0.96:
                method, path, body = "GET", f"/api/search?q=product-{rng.randint(1, 9)}", None
            else:
                method, path, body = "GET", "/api/report", None
            try:
                conn.request(method, path, body=body, headers={"Content-Type": "application/json", "User-Agent": "demo-browser/1.0"})
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(*target, timeout=5)
            time.sleep(rng.expovariate(rate / 6))

    threads = [threading.Thread(target=browser, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    role = sys.argv[1]
    if role == "api":
        serve(Api, sys.argv[2], 8080)
    elif role == "recommendations":
        serve(Recommendations, sys.argv[2], 8080)
    elif role == "payments":
        serve(Payments, sys.argv[2], 80)
    elif role == "worker":
        worker()
    elif role == "load":
        load(float(sys.argv[2]), float(sys.argv[3]))
    else:
        sys.exit(f"unknown role {role}")
