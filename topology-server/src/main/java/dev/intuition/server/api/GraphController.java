package dev.intuition.server.api;

import dev.intuition.server.graph.Graph;
import dev.intuition.server.graph.GraphAggregator;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/graph}: the service graph of the last {@code window}, or of one at {@code at}. */
@RestController
@RequestMapping("/api/v1")
class GraphController {
  private final GraphAggregator aggregator;

  GraphController(GraphAggregator aggregator) {
    this.aggregator = aggregator;
  }

  @GetMapping("/graph")
  Graph graph(@RequestParam(defaultValue = "60s") String window,
      @RequestParam(required = false) String at) {
    Duration w = duration(window);
    if (at == null) {
      return aggregator.graph(w);
    }
    Instant to;
    try {
      to = Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST,
          "at must be an ISO-8601 instant such as 2026-11-21T10:15:00Z, got '" + at + "'");
    }
    return aggregator.graph(to.minus(w), to);
  }

  static Duration duration(String text) {
    String s = text.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      char unit = s.charAt(s.length() - 1);
      long n = Long.parseLong(Character.isDigit(unit) ? s : s.substring(0, s.length() - 1));
      Duration d = switch (unit) {
        case 'h' -> Duration.ofHours(n);
        case 'm' -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      };
      if (!d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      // the message below
    }
    throw new ApiException(HttpStatus.BAD_REQUEST,
        "window must be a positive duration such as 30s, 5m or 1h, got '" + text + "'");
  }
}
