package dev.intuition.server.api;

import dev.intuition.core.GraphService;
import dev.intuition.core.graph.Notice;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/notices}: newest first; {@code since} (an instant), {@code active=true} for the
 * conditions still on, {@code limit} (default 100, at most 1000).
 */
@RestController
@RequestMapping("/api/v1")
class NoticesController {
  private final GraphService graphs;

  NoticesController(GraphService graphs) {
    this.graphs = graphs;
  }

  @GetMapping("/notices")
  List<Notice> notices(@RequestParam(required = false) String since,
      @RequestParam(defaultValue = "false") boolean active,
      @RequestParam(defaultValue = "100") int limit) {
    if (limit < 1 || limit > 1000) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "limit must be 1 to 1000, got " + limit);
    }
    Instant from = since == null ? null : GraphController.instant("since", since);
    return graphs.notices().list(from, active, limit);
  }
}
