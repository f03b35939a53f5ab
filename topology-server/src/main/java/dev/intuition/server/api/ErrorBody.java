package dev.intuition.server.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of every error the server answers with, wherever it is refused (controllers, filters,
 * Tomcat): {@code {"status":400,"error":"Bad Request","message":"...","time":"..."}}.
 */
public final class ErrorBody {
  private ErrorBody() {}

  public static Map<String, Object> of(int status, String reason, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status);
    m.put("error", reason);
    m.put("message", message == null || message.isBlank() ? reason : message);
    m.put("time", Instant.now().toString());
    return m;
  }
}
