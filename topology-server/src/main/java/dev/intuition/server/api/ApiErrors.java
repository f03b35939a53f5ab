package dev.intuition.server.api;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error is JSON: {@code {"status":400,"error":"Bad Request","message":"...","time":...}}. Our
 * own refusals ({@link ApiException}), every exception Spring MVC raises for a request it cannot map
 * or bind (wrong method, media type, a parameter that is missing or not a number, an unreadable
 * body: each with its own 4xx), and, as a last resort, anything else, which is a bug of ours: 500,
 * logged, with no internals in the answer. Requests refused before they reach Spring are made JSON
 * by {@link JsonErrorValve} and {@link JsonErrorController}.
 */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Object> api(ApiException e) {
    ResponseEntity<Object> r = body(e.status(), e.getMessage());
    return e.retryAfterSeconds() <= 0 ? r : ResponseEntity.status(r.getStatusCode())
        .contentType(MediaType.APPLICATION_JSON)
        .header("Retry-After", Integer.toString(e.retryAfterSeconds())).body(r.getBody());
  }

  @ExceptionHandler(dev.intuition.core.storage.StoreUnavailableException.class)
  ResponseEntity<Object> storeDown(RuntimeException e) {
    return body(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
    log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
    return body(HttpStatus.INTERNAL_SERVER_ERROR, "the server failed to answer this request; "
        + "its log says why");
  }

  @Override
  protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException e,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    return body(HttpStatus.NOT_FOUND, "no such resource: /" + e.getResourcePath());
  }

  /** Spring MVC's own exceptions: their status, our body. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String message = e instanceof ErrorResponse r && r.getBody().getDetail() != null
        ? r.getBody().getDetail() : e.getMessage();
    ResponseEntity<Object> json = body(HttpStatus.valueOf(status.value()), message);
    HttpHeaders out = new HttpHeaders();
    if (headers != null) {
      out.putAll(headers);
    }
    out.setContentType(MediaType.APPLICATION_JSON);
    return new ResponseEntity<>(json.getBody(), out, status);
  }

  static ResponseEntity<Object> body(HttpStatus status, String message) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
        .body(ErrorBody.of(status.value(), status.getReasonPhrase(), message));
  }
}
