package dev.intuition.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Viewer authentication on a real server: the UI, the API, the stream and the metrics are closed to
 * anonymous readers and to the agents' token; the login page opens them with the viewer token (a
 * cookie that the stream's handshake carries too); a trusted proxy's header opens them; health and
 * the agents' ingest stay as they were; guessing is slowed down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "intuition.token=agent-token-1", "intuition.viewer.token=viewer-token-1",
    "intuition.viewer.trusted-header=X-Forwarded-User", "intuition.viewer.trusted-proxies=::1/128",
    "intuition.graph.tick=false"})
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability
class ViewerLoginTest {
  @LocalServerPort int port;
  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .build();

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> login(String token, String next) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token,
            StandardCharsets.UTF_8) + "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anonymousReadersAndTheAgentTokenAreKeptOut() throws Exception {
    for (String path : new String[] {"/api/v1/graph", "/api/v1/info", "/api/v1/transactions",
        "/actuator/prometheus", "/index.html"}) {
      HttpResponse<String> r = get(path);
      assertEquals(401, r.statusCode(), path);
      assertTrue(r.body().contains("\"status\":401"), r.body());
      assertEquals(401, get(path, "Authorization", "Bearer agent-token-1").statusCode(), path);
      assertEquals(200, get(path, "Authorization", "Bearer viewer-token-1").statusCode(), path);
    }
    HttpResponse<String> page = get("/?selected=web", "Accept", "text/html");
    assertEquals(303, page.statusCode());
    assertEquals("/login?next=%2F%3Fselected%3Dweb", page.headers().firstValue("Location")
        .orElseThrow());
    assertEquals(200, get("/actuator/health").statusCode(), "health stays open");
    assertTrue(!get("/actuator/health").body().contains("components"));
    HttpResponse<String> ingest = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + port + "/api/v1/ingest")).header("Authorization", "Bearer viewer-token-1")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, ingest.statusCode(), "the viewer token is no agent token either");
    try {
      HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:"
          + port + "/ws/graph"), new WebSocket.Listener() {}).join();
      throw new AssertionError("the stream opened without a login");
    } catch (CompletionException expected) {
      assertTrue(expected.getCause() instanceof java.net.http.WebSocketHandshakeException h
          && h.getResponse().statusCode() == 401, expected.toString());
    }
  }

  @Test
  void theLoginPageSetsACookieThatOpensTheApiAndTheStream() throws Exception {
    assertEquals(200, get("/login").statusCode());
    HttpResponse<String> wrong = login("agent-token-1", "/");
    assertEquals(401, wrong.statusCode());
    assertTrue(wrong.body().contains("not the viewer token"));
    HttpResponse<String> ok = login("viewer-token-1", "/?selected=web");
    assertEquals(303, ok.statusCode());
    assertEquals("/?selected=web", ok.headers().firstValue("Location").orElseThrow());
    String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"),
        setCookie);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    assertEquals(200, get("/api/v1/graph", "Cookie", cookie).statusCode());
    assertEquals(200, get("/", "Cookie", cookie, "Accept", "text/html").statusCode());
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Cookie", cookie)
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/graph"),
            new WebSocket.Listener() {}).get(10, TimeUnit.SECONDS);
    ws.abort();
    assertEquals(303, login("viewer-token-1", "//evil.example/").statusCode());
    assertEquals("/", login("viewer-token-1", "//evil.example/").headers()
        .firstValue("Location").orElseThrow(), "no redirect to another site");
  }

  @Test
  void aTrustedProxysHeaderOpensTheGraphOnlyFromTheProxy() throws Exception {
    HttpClient v6 = HttpClient.newHttpClient();
    HttpResponse<String> viaProxy = v6.send(HttpRequest.newBuilder(URI.create("http://[::1]:"
        + port + "/api/v1/info")).header("X-Forwarded-User", "alice").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, viaProxy.statusCode(), "from ::1, the trusted proxy");
    assertEquals(401, get("/api/v1/info", "X-Forwarded-User", "alice").statusCode(),
        "from 127.0.0.1, which is not trusted here");
  }

  @Test
  void guessingIsSlowedDown() throws Exception {
    HttpClient other = HttpClient.newHttpClient();
    int last = 0;
    for (int i = 0; i < LoginController.MAX_FAILURES + 2; i++) {
      last = other.send(HttpRequest.newBuilder(URI.create("http://[::1]:" + port + "/login"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("token=guess-" + i)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode();
    }
    assertEquals(429, last);
  }
}
