package dev.intuition.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.server.api.ErrorBody;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps readers out unless {@link ViewerAuth} lets them in, when viewer authentication is on. Always
 * open: the agents' ingest (it has its own token), {@code /actuator/health} (for orchestrators; it
 * shows no details) and the login page. A page asked for by a browser is redirected to the login
 * page; anything else (the API, the stream, metrics, assets) is answered 401 with a JSON error.
 * Every answer also carries headers that keep other sites from framing or sniffing the UI.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class ViewerFilter extends OncePerRequestFilter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ViewerAuth auth;

  ViewerFilter(ViewerAuth auth) {
    this.auth = auth;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "same-origin");
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (!auth.enabled() || open(path) || auth.allows(request.getHeader("Authorization"),
        cookie(request), request.getRemoteAddr(), auth.trustedHeader() == null ? null
            : request.getHeader(auth.trustedHeader()))) {
      chain.doFilter(request, response);
      return;
    }
    String accept = request.getHeader("Accept");
    boolean page = "GET".equals(request.getMethod()) && accept != null
        && accept.contains("text/html") && !path.startsWith("/api/") && !path.startsWith("/ws/")
        && !path.startsWith("/actuator");
    if (page && auth.hasToken()) {
      String target = path + (request.getQueryString() == null ? "" : "?"
          + request.getQueryString());
      response.setStatus(HttpServletResponse.SC_SEE_OTHER);
      response.setHeader("Location", request.getContextPath() + "/login?next="
          + URLEncoder.encode(target, StandardCharsets.UTF_8));
      return;
    }
    response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
    if (auth.hasToken()) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"intuition\"");
    }
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(JSON.writeValueAsString(ErrorBody.of(401, "Unauthorized",
        auth.hasToken() ? "viewer authentication is on: log in at /login, or send "
            + "'Authorization: Bearer <viewer token>'"
            : "viewer authentication is on: come through the reverse proxy that sets "
                + auth.trustedHeader())));
  }

  static boolean open(String path) {
    return path.equals("/api/v1/ingest") || path.equals("/actuator/health")
        || path.startsWith("/actuator/health/") || path.equals("/login")
        || path.equals("/logout") || path.equals("/favicon.ico");
  }

  private static String cookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie c : cookies) {
      if (ViewerAuth.COOKIE.equals(c.getName())) {
        return c.getValue();
      }
    }
    return null;
  }
}
