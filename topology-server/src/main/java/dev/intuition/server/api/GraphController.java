package dev.intuition.server.api;

import dev.intuition.core.GraphService;
import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.VizceralFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/graph}: the live graph of the last {@code window} (default 60 s), or the graph of
 * the {@code window} that ends at {@code at}; {@code group} keeps one stack and its neighbours.
 * {@code GET /api/v1/graph/vizceral}: the same in Vizceral's traffic format.
 */
@RestController
@RequestMapping("/api/v1")
class GraphController {
  private final GraphService graphs;

  GraphController(GraphService graphs) {
    this.graphs = graphs;
  }

  @GetMapping("/graph")
  Graph graph(@RequestParam(defaultValue = "60s") String window,
      @RequestParam(required = false) String at, @RequestParam(required = false) String group) {
    Duration w = duration(window);
    Graph g = at == null ? graphs.live(w) : graphs.range(instant("at", at).minus(w),
        instant("at", at));
    return group == null || group.isBlank() ? g : g.group(group.trim());
  }

  @GetMapping("/graph/vizceral")
  Map<String, Object> vizceral(@RequestParam(defaultValue = "60s") String window,
      @RequestParam(required = false) String at, @RequestParam(required = false) String group) {
    return VizceralFormat.of(graph(window, at, group));
  }

  /** The earliest and latest instants a request may name: no arithmetic on them can overflow. */
  static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  static Instant instant(String name, String text) {
    Instant at;
    try {
      at = Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, name + " must be an ISO-8601 instant such"
          + " as 2026-11-21T10:15:00Z, got '" + shorten(text) + "'");
    }
    if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
      throw new ApiException(HttpStatus.BAD_REQUEST, name + " must be between 1970 and 9999, got '"
          + shorten(text) + "'");
    }
    return at;
  }

  /** A parameter as quoted back in an error message: not more than 100 characters. */
  static String shorten(String text) {
    return text.length() <= 100 ? text : text.substring(0, 97) + "...";
  }

  static Duration duration(String text) {
    String s = text.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (s.isEmpty() || s.startsWith("-") || s.startsWith("+")) {
        throw new NumberFormatException(s);
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      char unit = s.charAt(s.length() - 1);
      long n = Long.parseLong(Character.isDigit(unit) ? s : s.substring(0, s.length() - 1));
      Duration d = switch (unit) {
        case 'd' -> Duration.ofDays(n);
        case 'h' -> Duration.ofHours(n);
        case 'm' -> Duration.ofMinutes(n);
        default -> Character.isDigit(unit) || unit == 's' ? Duration.ofSeconds(n) : null;
      };
      if (d != null && !d.isNegative() && !d.isZero() && d.compareTo(Duration.ofDays(31)) <= 0) {
        return d;
      }
    } catch (NumberFormatException | StringIndexOutOfBoundsException | ArithmeticException e) {
      // the message below
    }
    throw new ApiException(HttpStatus.BAD_REQUEST,
        "window must be a positive duration up to 31d such as 30s, 5m or 1h, got '"
            + shorten(text) + "'");
  }
}
