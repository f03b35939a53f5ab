package dev.intuition.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Whatever a client sends, the server answers below 500, and every error is JSON: also for what
 * Tomcat refuses before Spring sees it (a path escaping the root, an undecodable URL, an over-long
 * request line or header), which used to be Tomcat's HTML page. Requests are written on a raw socket
 * so that nothing in between cleans them up: a fixed list of known-bad ones, then a few thousand
 * generated from a fixed seed (paths of odd segments, query strings of odd values, every method).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "intuition.token=t", "intuition.graph.tick=false"})
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability
class MalformedRequestsTest {
  @LocalServerPort int port;
  final ObjectMapper json = new ObjectMapper();

  record Answer(int status, Map<String, String> headers, String body) {}

  Answer send(String requestHead, byte[] body) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      try {
        while ((n = in.read(buf)) > 0) {
          all.write(buf, 0, n);
        }
      } catch (java.net.SocketException e) {
        // the server closed after answering (a refused body): what came is the answer
      }
      return parse(all.toString(StandardCharsets.ISO_8859_1));
    }
  }

  static Answer parse(String raw) {
    int end = raw.indexOf("\r\n\r\n");
    if (end < 0) {
      return new Answer(-1, Map.of(), raw);
    }
    String[] lines = raw.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    String body = raw.substring(end + 4);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      StringBuilder b = new StringBuilder();
      int i = 0;
      while (i < body.length()) {
        int eol = body.indexOf("\r\n", i);
        int size = Integer.parseInt(body.substring(i, eol).split(";")[0].trim(), 16);
        if (size == 0) {
          break;
        }
        b.append(body, eol + 2, eol + 2 + size);
        i = eol + 2 + size + 2;
      }
      body = b.toString();
    }
    return new Answer(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1),
        StandardCharsets.UTF_8));
  }

  void check(String what, String method, Answer a) {
    if (a.status() < 0) {
      fail(what + ": no HTTP answer: " + a.body());
    }
    assertTrue(a.status() < 500, what + " -> " + a.status() + " " + a.body());
    if (a.status() >= 400 && !method.equals("HEAD")) {
      String type = a.headers().getOrDefault("content-type", "");
      assertTrue(type.startsWith("application/json"), what + " -> " + a.status() + " is "
          + type + ": " + a.body());
      try {
        JsonNode error = json.readTree(a.body());
        assertEquals(a.status(), error.get("status").asInt(), what);
        assertTrue(error.get("message").asText().length() > 0, what);
      } catch (IOException e) {
        fail(what + " -> not JSON: " + a.body());
      }
    }
  }

  Answer request(String method, String target, String extraHeaders, byte[] body)
      throws IOException {
    return send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
        + extraHeaders + (body == null ? "" : "Content-Length: " + body.length + "\r\n")
        + "Connection: close\r\n\r\n", body);
  }

  @Test
  void knownBadRequestsGetJson4xx() throws IOException {
    String[] targets = {
        "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/api/v1/..%2f..%2fetc", "/%zz",
        "/api/v1/graph?window=%zz", "/api/v1/graph?window=-5000ms", "/api/v1/graph?window=0s",
        "/api/v1/graph?window=100000d", "/api/v1/graph?window=9223372036854775807d",
        "/api/v1/graph?window=1e99", "/api/v1/graph?at=%2B999999999-12-31T23:59:59Z",
        "/api/v1/graph?at=-999999999-01-01T00:00:00Z", "/api/v1/graph?at=0000-01-01T00:00:00Z",
        "/api/v1/graph/vizceral?window=-1s", "/api/v1/transactions?limit=99999999999",
        "/api/v1/transactions?limit=-1", "/api/v1/transactions?from=%2B999999999-01-01T00:00:00Z",
        "/api/v1/transactions?minDuration=-5ms", "/api/v1/transactions?order=%00",
        "/api/v1/edge", "/api/v1/edge?client=a&server=b&window=-1m", "/api/v1/notices?limit=abc",
        "/api/v1/endpoints", "/api/v1/endpoints?server=a&limit=0",
        "/api/v1/endpoints?server=a&limit=501", "/api/v1/endpoints?server=a&protocol=kafka",
        "/api/v1/endpoints?server=a&window=-1s", "/api/v1/endpoints?server=a&at=yesterday",
        "/api/v1/notices?since=yesterday", "/api/v1/services/%00", "/api/v1/services/",
        "/api/v1/nothing", "/nothing/at/all", "/api/v1/graph?" + "x=1&".repeat(3000),
        "/" + "a".repeat(10_000), "/api/v1/services/" + "%C0%AE".repeat(50)};
    for (String t : targets) {
      check(t, "GET", request("GET", t, "", null));
    }
    check("ingest by GET", "GET", request("GET", "/api/v1/ingest", "", null));
    check("graph by POST", "POST", request("POST", "/api/v1/graph", "", new byte[] {1}));
    check("a huge header", "GET", request("GET", "/api/v1/info", "X-Big: " + "b".repeat(20_000)
        + "\r\n", null));
    check("a broken request line", "GET", send("GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n",
        null));
    check("an unknown protocol version", "GET", send("GET / HTTP/7.1\r\nHost: x\r\n\r\n",
        null));
    check("a bad method", "GET", send("G\u0000T / HTTP/1.1\r\nHost: x\r\n\r\n", null));
    check("ingest without a token", "POST", request("POST", "/api/v1/ingest",
        "Content-Type: application/json\r\n", "{}".getBytes()));
    check("ingest with a bad content length", "POST", send("POST /api/v1/ingest HTTP/1.1\r\n"
        + "Host: x\r\nAuthorization: Bearer t\r\nContent-Length: -5\r\nConnection: close\r\n\r\n",
        null));
    check("ingest with an unknown encoding", "POST", request("POST", "/api/v1/ingest",
        "Authorization: Bearer t\r\nContent-Encoding: br\r\n", "{}".getBytes()));
    check("a websocket without upgrade", "GET", request("GET", "/ws/graph", "", null));
    Answer format = request("GET", "/ws/graph?format=xml", "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", null);
    check("a websocket with an unknown format", "GET", format);
    assertEquals(400, format.status(), format.body());
    assertTrue(format.body().contains("compact"), format.body());
    check("xml wanted", "GET", request("GET", "/api/v1/graph?window=-1s",
        "Accept: application/xml\r\n", null));
    check("html wanted", "GET", request("GET", "/api/v1/graph?window=-1s",
        "Accept: text/html\r\n", null));
  }

  static final String[] PATHS = {"/api/v1/graph", "/api/v1/graph/vizceral",
      "/api/v1/transactions", "/api/v1/edge", "/api/v1/endpoints", "/api/v1/info",
      "/api/v1/notices",
      "/api/v1/services/web", "/api/v1/ingest", "/actuator/health", "/actuator/prometheus",
      "/actuator", "/actuator/env", "/ws/graph", "/", "/index.html", "/login", "/error"};
  static final String[] KEYS = {"window", "at", "group", "client", "server", "protocol",
      "outcome", "minDuration", "from", "to", "limit", "order", "since", "active", "next",
      "format", "endpoint"};
  static final String[] VALUES = {"", "-5000ms", "0", "00", "-1", "1", "60s", "31d", "32d",
      "744h", "99999999999999999999", "9223372036854775807", "1e9", "NaN", "Infinity",
      "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "2026-11-30T00:00:00Z",
      "2026-13-45T99:99:99Z", "%00", "%zz", "%", "%%", "%E2%82", "%C3%A9", "%F0%9F%92%A9",
      "<script>alert(1)</script>", "'", "%22", "%5C", "null", "true", "http", "smtp", "error",
      "slowest", "../..", "%2F%2F", "web", "INTERNET", "(other)", "compact", "graph",
      "GET%20%2Fusers%2F%7Bid%7D", "other"};
  static final String[] SEGMENTS = {"..", "%2e%2e", "%2E", ".", "%2f", "%5c", "", ";x=1",
      "%00", "%ff", "%C0%AE", "~", "web", "a%20b", "%F0%9F%92%A9", "*", "%3B", "api", "v1",
      "graph", "services", "WEB-INF", "META-INF", "static", "assets", "x".repeat(300)};
  static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH",
      "OPTIONS", "HEAD", "TRACE", "FOO"};

  /** Generated requests: every answer below 500, every error JSON. */
  @Test
  void generatedPathsAndQueriesNeverGet5xx() throws IOException {
    Random r = new Random(20261130);
    for (int i = 0; i < 1500; i++) {
      StringBuilder target = new StringBuilder();
      if (r.nextInt(3) == 0) {
        int segments = 1 + r.nextInt(5);
        for (int s = 0; s < segments; s++) {
          target.append('/').append(SEGMENTS[r.nextInt(SEGMENTS.length)]);
        }
      } else {
        target.append(PATHS[r.nextInt(PATHS.length)]);
        if (r.nextInt(4) == 0) {
          target.append('/').append(SEGMENTS[r.nextInt(SEGMENTS.length)]);
        }
      }
      int params = r.nextInt(5);
      for (int p = 0; p < params; p++) {
        target.append(p == 0 ? '?' : '&').append(KEYS[r.nextInt(KEYS.length)]).append('=')
            .append(VALUES[r.nextInt(VALUES.length)]);
      }
      String method = METHODS[r.nextInt(METHODS.length)];
      byte[] body = method.equals("POST") || method.equals("PUT")
          ? new byte[] {'{', (byte) r.nextInt(256), '}'} : null;
      String what = method + " " + target;
      check(what, method, request(method, target.toString(), r.nextBoolean()
          ? "Accept: text/html\r\n" : "", body));
    }
  }

  @Test
  void actuatorShowsOnlyHealthWithoutDetailsAndPrometheus() throws IOException {
    Answer health = request("GET", "/actuator/health", "", null);
    assertEquals(200, health.status());
    assertTrue(health.body().contains("\"status\"") && !health.body().contains("components"),
        health.body());
    assertEquals(200, request("GET", "/actuator/prometheus", "", null).status());
    for (String hidden : new String[] {"/actuator/env", "/actuator/beans", "/actuator/heapdump",
        "/actuator/threaddump", "/actuator/configprops", "/actuator/loggers"}) {
      Answer a = request("GET", hidden, "", null);
      assertEquals(404, a.status(), hidden);
      check(hidden, "GET", a);
    }
  }

  @Test
  void errorsCarryTheirOwnStatus() throws IOException {
    List<Integer> seen = new ArrayList<>();
    seen.add(request("GET", "/api/v1/graph?window=-1s", "", null).status());
    seen.add(request("DELETE", "/api/v1/graph", "", null).status());
    seen.add(request("GET", "/api/v1/services/nobody", "", null).status());
    seen.add(request("POST", "/api/v1/ingest", "", "{}".getBytes()).status());
    assertEquals(List.of(400, 405, 404, 401), seen);
  }
}
