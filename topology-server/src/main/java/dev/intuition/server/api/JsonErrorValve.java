package dev.intuition.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's error report for requests it refuses before any servlet sees them (a path that escapes
 * the root, an undecodable URL, a request line or headers over the size limits), written as the same
 * JSON as every other error instead of Tomcat's HTML page. Installed on the host in place of
 * {@link ErrorReportValve} by {@link WebServerSettings}.
 */
public final class JsonErrorValve extends ErrorReportValve {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    String message = response.getMessage();
    if (status == 505) { // a protocol version Tomcat does not speak: the client's request is wrong
      status = 400;
      response.setStatus(400);
      message = "the request's HTTP version is not supported: send HTTP/1.1 or HTTP/1.0";
    }
    HttpStatus known = HttpStatus.resolve(status);
    String reason = known == null ? "Error" : known.getReasonPhrase();
    if (message == null || message.isBlank()) {
      message = switch (status) {
        case 400 -> "the request is malformed (its line, path or headers could not be read)";
        case 404 -> "no such resource";
        case 414 -> "the URL is too long";
        case 431 -> "the request headers are too large";
        default -> reason;
      };
    }
    try {
      response.setContentType("application/json");
      response.setCharacterEncoding("UTF-8");
      Writer w = response.getReporter();
      if (w != null) {
        w.write(JSON.writeValueAsString(ErrorBody.of(status, reason, message)));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // the client is gone
    }
    if (throwable != null) {
      response.getCoyoteResponse().action(ActionCode.CLOSE_NOW, null);
    }
  }
}
