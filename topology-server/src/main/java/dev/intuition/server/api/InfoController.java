package dev.intuition.server.api;

import dev.intuition.core.GraphService;
import dev.intuition.server.config.IntuitionProperties;
import dev.intuition.core.storage.TransactionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/info}: what the UI needs to know of the server: the time now, the oldest moment
 * it can show ({@code oldest}, null before any traffic), how long it keeps history, the stream's
 * interval and window, and the storage.
 */
@RestController
@RequestMapping("/api/v1")
class InfoController {
  private final GraphService graphs;
  private final TransactionStore store;
  private final Duration streamWindow;
  private final Duration streamInterval;

  InfoController(GraphService graphs, TransactionStore store,
      IntuitionProperties properties) {
    this.graphs = graphs;
    this.store = store;
    this.streamWindow = properties.stream().window();
    this.streamInterval = properties.stream().interval();
  }

  @GetMapping("/info")
  Map<String, Object> info() {
    Instant stored = null;
    try {
      stored = store.oldest();
    } catch (RuntimeException e) {
      // the store is away: what memory holds still answers
    }
    Instant inMemory = graphs.aggregator().earliest();
    Instant oldest = stored == null ? inMemory
        : inMemory == null || stored.isBefore(inMemory) ? stored : inMemory;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("now", Instant.now(graphs.clock()));
    out.put("oldest", oldest);
    out.put("retention", store.retention().toString());
    out.put("streamInterval", streamInterval.toString());
    out.put("streamWindow", streamWindow.toString());
    out.put("storage", store.status().type());
    return out;
  }
}
