package dev.intuition.server.api;

import org.springframework.http.HttpStatus;

/** A request the API refuses: the status and a message that says what was wrong. */
public class ApiException extends RuntimeException {
  private final HttpStatus status;

  public ApiException(HttpStatus status, String message) {
    super(message);
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }
}
