package dev.intuition.server.api;

import org.springframework.http.HttpStatus;

/**
 * A request the API refuses: the status and a message that says what was wrong, and for a refusal
 * that is only for now (503), when to ask again ({@code Retry-After}).
 */
public class ApiException extends RuntimeException {
  private final HttpStatus status;
  private final int retryAfterSeconds;

  public ApiException(HttpStatus status, String message) {
    this(status, message, 0);
  }

  public ApiException(HttpStatus status, String message, int retryAfterSeconds) {
    super(message);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public HttpStatus status() {
    return status;
  }

  /** Seconds for the Retry-After header; 0 for none. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
