package dev.intuition.server.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /error}, where the servlet container forwards what failed outside Spring MVC (a filter's
 * refusal, a request the container rejected after mapping): always JSON, whatever the client
 * accepts, in place of Spring Boot's HTML "Whitelabel" page.
 */
@RestController
class JsonErrorController implements ErrorController {
  @RequestMapping(value = "${server.error.path:/error}", produces = MediaType.ALL_VALUE)
  ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i && i >= 400 && i <= 599 ? i : 404;
    HttpStatus known = HttpStatus.resolve(status);
    Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
    String reason = known == null ? "Error" : known.getReasonPhrase();
    String text = message instanceof String s && !s.isBlank() ? s
        : code == null ? "no such resource: " + request.getRequestURI() : reason;
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
        .body(ErrorBody.of(status, reason, text));
  }
}
