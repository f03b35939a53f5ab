package dev.intuition.server.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.core.GraphService;
import dev.intuition.core.graph.CompactGraphFormat;
import dev.intuition.core.graph.Graph;
import dev.intuition.server.config.IntuitionProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * WebSocket {@code /ws/graph}: on connect a {@code snapshot} of the live graph, then an
 * {@code update} every {@code intuition.stream.interval} (1 s), each the graph of the last
 * {@code intuition.stream.window} (60 s): {@code {"type":"snapshot","graph":{...}}}; with
 * {@code ?format=compact} (what the web UI asks for) {@code {"type":"snapshot","compact":{...}}},
 * the same graph in rows ({@link CompactGraphFormat}, about a quarter of the bytes). One graph is
 * computed per tick, written once per format in use, and handed to every browser's {@link Viewer},
 * which sends without blocking the
 * others; a viewer more than {@code intuition.stream.max-behind} (5) updates behind is closed with a
 * reason. At most {@code intuition.stream.max-viewers} (1000) at once; more are closed with 1013 (try
 * again later). The handshake is refused (403) to a page of another origin unless it is listed in
 * {@code intuition.stream.allowed-origins}, so that a web page an operator happens to open cannot
 * read the graph; clients that send no Origin (not browsers) are let in.
 */
@Configuration
@EnableWebSocket
public class GraphStream extends TextWebSocketHandler implements WebSocketConfigurer {
  private static final Logger log = LoggerFactory.getLogger(GraphStream.class);

  private final GraphService graphs;
  private final ObjectMapper json;
  private final Duration window;
  private final int maxBehind;
  private final int maxViewers;
  private final long sendTimeoutMillis;
  private final List<String> allowedOrigins;
  private final Map<String, Viewer> viewers = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("graph-stream").daemon().factory());
  /** Closes viewers: a close may wait on a stuck connection, and must not hold up the others. */
  private final ExecutorService closer = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("graph-stream-close-", 0).factory());

  GraphStream(GraphService graphs, ObjectMapper json,
      IntuitionProperties properties) {
    IntuitionProperties.Stream p = properties.stream();
    this.graphs = graphs;
    this.json = json;
    this.window = p.window();
    this.maxBehind = p.maxBehind();
    this.maxViewers = p.maxViewers();
    long millis = p.interval().toMillis();
    this.sendTimeoutMillis = millis * (this.maxBehind + 2) + 5_000;
    this.allowedOrigins = p.allowedOrigins();
    ticker.scheduleAtFixedRate(this::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    // Spring's origin check: same origin and requests without Origin pass, others only if listed.
    registry.addHandler(this, "/ws/graph")
        .setAllowedOriginPatterns(allowedOrigins.toArray(String[]::new));
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession session) throws IOException {
    if (viewers.size() >= maxViewers) {
      dropped.incrementAndGet();
      session.close(new CloseStatus(1013, "too many viewers (intuition.stream.max-viewers)"));
      return;
    }
    Format format = Format.of(session.getUri());
    if (format == null) { // the handshake filter refuses these first; a client past it is closed
      session.close(CloseStatus.POLICY_VIOLATION.withReason(Format.ERROR));
      return;
    }
    Viewer viewer = new Viewer(session, maxBehind, sendTimeoutMillis, closer, format);
    viewers.put(session.getId(), viewer);
    viewer.offer(message("snapshot", graphs.live(window), format));
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    viewers.remove(session.getId());
  }

  @Override
  public void handleTransportError(WebSocketSession session, Throwable exception) {
    viewers.remove(session.getId());
  }

  public int sessions() {
    return viewers.size();
  }

  private void tick() {
    if (viewers.isEmpty()) {
      return;
    }
    try {
      Graph graph = graphs.live(window);
      Map<Format, String> updates = new java.util.EnumMap<>(Format.class);
      for (Viewer v : viewers.values()) {
        if (v.closed()) {
          viewers.remove(v.id());
        } else {
          String update = updates.get(v.format());
          if (update == null) {
            updates.put(v.format(), update = message("update", graph, v.format()));
          }
          v.offer(update);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("graph stream tick failed: {}", e.toString());
    }
  }

  private String message(String type, Graph graph, Format format) throws IOException {
    return format == Format.COMPACT ? CompactGraphFormat.message(type, graph, json)
        : json.writeValueAsString(Map.of("type", type, "graph", graph));
  }

  /** How a viewer wants the graph: {@code ?format=graph} (the default) or {@code compact}. */
  enum Format {
    GRAPH, COMPACT;

    static final String ERROR = "unknown stream format: ?format= takes graph (the default) or "
        + "compact";

    /** The format a handshake's URI asks for; null for one that is not known. */
    static Format of(java.net.URI uri) {
      return ofQuery(uri == null ? null : uri.getRawQuery());
    }

    /** The same for a raw query string (null for none). */
    static Format ofQuery(String query) {
      Format format = GRAPH;
      if (query == null) {
        return format;
      }
      for (String param : query.split("&")) {
        if (param.startsWith("format=")) {
          String v = param.substring("format=".length());
          format = switch (v) {
            case "graph" -> GRAPH;
            case "compact" -> COMPACT;
            default -> null;
          };
          if (format == null) {
            return null;
          }
        }
      }
      return format;
    }
  }
}
