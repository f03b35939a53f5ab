package dev.intuition.server.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.server.api.ErrorBody;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Requests to {@code /ws/graph} that are no WebSocket handshake (another method, no
 * {@code Upgrade: websocket}) get a JSON error that says how to connect, instead of the handshake
 * handler's empty refusal; so does a handshake that asks for a format the stream does not know.
 */
@Component
class StreamRequestFilter extends OncePerRequestFilter {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().substring(request.getContextPath().length())
        .startsWith("/ws/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    String upgrade = request.getHeader("Upgrade");
    if (!"GET".equals(request.getMethod())) {
      response.setHeader("Allow", "GET");
      refuse(response, 405, "Method Not Allowed", "the stream is a WebSocket: open it with GET "
          + "and Upgrade: websocket");
    } else if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      refuse(response, 400, "Bad Request", "the stream is a WebSocket: connect with a WebSocket "
          + "client (ws:// or wss://)");
    } else if (GraphStream.Format.ofQuery(request.getQueryString()) == null) {
      refuse(response, 400, "Bad Request", GraphStream.Format.ERROR);
    } else {
      chain.doFilter(request, response);
    }
  }

  private static void refuse(HttpServletResponse response, int status, String reason,
      String message) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(JSON.writeValueAsString(ErrorBody.of(status, reason, message)));
  }
}
