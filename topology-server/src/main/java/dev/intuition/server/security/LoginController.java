package dev.intuition.server.security;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The login page of viewer authentication: {@code GET /login} shows a form for the viewer token,
 * {@code POST /login} checks it and sets the session cookie (HttpOnly, SameSite=Strict, Secure over
 * HTTPS, 30 days) and returns to the page the viewer wanted; {@code POST /logout} ends the session.
 * After {@value #MAX_FAILURES} wrong tokens from one address within a minute, that address is
 * answered 429 until the minute is over.
 */
@RestController
class LoginController {
  static final int MAX_FAILURES = 10;
  private static final long MINUTE_MILLIS = 60_000;
  private static final int MAX_TRACKED = 10_000;

  private final ViewerAuth auth;
  private final Clock clock;
  private final Map<String, long[]> failures = new LinkedHashMap<>(); // address -> {since, count}

  LoginController(ViewerAuth auth, Clock clock) {
    this.auth = auth;
    this.clock = clock;
  }

  @GetMapping(value = "/login", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> page(@RequestParam(required = false) String next) {
    requireTokens();
    return html(HttpStatus.OK, next, null);
  }

  /** Without viewer tokens there is no login: a 404 like any other unknown path. */
  private void requireTokens() {
    if (!auth.hasToken()) {
      throw new dev.intuition.server.api.ApiException(HttpStatus.NOT_FOUND, "no login here: this "
          + "server has no viewer token (intuition.viewer.token)");
    }
  }

  @PostMapping(value = "/login", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> login(@RequestParam(required = false) String token,
      @RequestParam(required = false) String next, HttpServletRequest request) {
    requireTokens();
    String from = request.getRemoteAddr();
    if (tooMany(from)) {
      return html(HttpStatus.TOO_MANY_REQUESTS, next, "Too many wrong tokens from this address; "
          + "try again in a minute.");
    }
    if (!auth.tokenMatches(token)) {
      failed(from);
      return html(HttpStatus.UNAUTHORIZED, next, "That is not the viewer token.");
    }
    ResponseCookie cookie = ResponseCookie.from(ViewerAuth.COOKIE, auth.sessionCookie())
        .httpOnly(true).sameSite("Strict").secure(secure(request)).path("/")
        .maxAge(java.time.Duration.ofDays(30)).build();
    return ResponseEntity.status(HttpStatus.SEE_OTHER)
        .header(HttpHeaders.SET_COOKIE, cookie.toString())
        .header(HttpHeaders.LOCATION, request.getContextPath() + safe(next)).build();
  }

  @PostMapping("/logout")
  ResponseEntity<Void> logout(HttpServletRequest request) {
    requireTokens();
    ResponseCookie gone = ResponseCookie.from(ViewerAuth.COOKIE, "").httpOnly(true)
        .sameSite("Strict").secure(secure(request)).path("/").maxAge(0).build();
    return ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.SET_COOKIE,
        gone.toString()).header(HttpHeaders.LOCATION, request.getContextPath() + "/login").build();
  }

  private static boolean secure(HttpServletRequest request) {
    return request.isSecure() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
  }

  /** Only a path on this server: never another site ("//host", "/\\host", "https:..."). */
  static String safe(String next) {
    if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
        || next.chars().anyMatch(c -> c < 0x20)) {
      return "/";
    }
    return next;
  }

  private synchronized boolean tooMany(String address) {
    long[] f = failures.get(address);
    return f != null && clock.millis() - f[0] < MINUTE_MILLIS && f[1] >= MAX_FAILURES;
  }

  private synchronized void failed(String address) {
    long now = clock.millis();
    long[] f = failures.get(address);
    if (f == null || now - f[0] >= MINUTE_MILLIS) {
      failures.remove(address);
      failures.put(address, new long[] {now, 1});
      if (failures.size() > MAX_TRACKED) {
        var eldest = failures.keySet().iterator();
        eldest.next();
        eldest.remove();
      }
    } else {
      f[1]++;
    }
  }

  private static ResponseEntity<String> html(HttpStatus status, String next, String error) {
    String body = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Intuition: log in</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
          body { font: 15px system-ui, sans-serif; background: #10151c; color: #dde3ea;
                 display: grid; place-items: center; height: 100vh; margin: 0; }
          form { background: #18202b; padding: 28px 32px; border-radius: 8px; min-width: 300px; }
          h1 { font-size: 18px; margin: 0 0 16px; }
          input { width: 100%%; box-sizing: border-box; padding: 8px; margin: 6px 0 14px;
                  background: #0d1117; color: inherit; border: 1px solid #3a4655;
                  border-radius: 4px; }
          button { padding: 8px 16px; background: #2f81f7; color: white; border: 0;
                   border-radius: 4px; cursor: pointer; }
          .error { color: #ff7b72; margin: 0 0 12px; }
        </style></head>
        <body><form method="post" action="login">
          <h1>Intuition</h1>
          %s
          <label for="token">Viewer token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" autofocus>
          <input type="hidden" name="next" value="%s">
          <button type="submit">Open the graph</button>
        </form></body></html>
        """.formatted(error == null ? "" : "<p class=\"error\">" + HtmlUtils.htmlEscape(error)
        + "</p>", HtmlUtils.htmlEscape(safe(next)));
    return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML)
        .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
            + "form-action 'self'; frame-ancestors 'none'")
        .header("Cache-Control", "no-store").body(body);
  }
}
