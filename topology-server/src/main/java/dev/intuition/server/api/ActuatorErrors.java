package dev.intuition.server.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The actuator answers some requests with an error status and no body (an unknown health group,
 * {@code /actuator/health/x}: 404 with nothing). Here a 404 becomes an error that the
 * {@link JsonErrorController} writes, so that the actuator's errors are the same JSON as every
 * other.
 */
@Component
final class ActuatorErrors extends OncePerRequestFilter {
  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String uri = request.getRequestURI();
    return uri == null || !uri.startsWith("/actuator");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    chain.doFilter(request, new HttpServletResponseWrapper(response) {
      @Override
      public void setStatus(int sc) {
        if (sc == 404 && !isCommitted()) { // a 503 of health keeps its body
          try {
            sendError(sc);
          } catch (IOException e) {
            super.setStatus(sc);
          }
        } else {
          super.setStatus(sc);
        }
      }
    });
  }
}
