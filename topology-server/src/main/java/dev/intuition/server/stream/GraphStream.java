package dev.intuition.server.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.server.graph.GraphService;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * WebSocket {@code /ws/graph}: on connect a {@code snapshot} of the live graph, then an
 * {@code update} every {@code intuition.stream.interval} (1 s), each the graph of the last
 * {@code intuition.stream.window} (60 s): {@code {"type":"snapshot","graph":{...}}}. One graph is
 * computed per tick and sent to every browser; a slow browser has its messages bounded and is dropped
 * rather than holding the others back.
 */
@Configuration
@EnableWebSocket
public class GraphStream extends TextWebSocketHandler implements WebSocketConfigurer {
  private final GraphService graphs;
  private final ObjectMapper json;
  private final Duration window;
  private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("graph-stream").daemon().factory());

  GraphStream(GraphService graphs, ObjectMapper json,
      @Value("${intuition.stream.window:60s}") Duration window,
      @Value("${intuition.stream.interval:1s}") Duration interval) {
    this.graphs = graphs;
    this.json = json;
    this.window = window;
    long millis = Math.max(100, interval.toMillis());
    ticker.scheduleAtFixedRate(this::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry.addHandler(this, "/ws/graph").setAllowedOriginPatterns("*");
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession session) throws IOException {
    // Bounded: at most 10 s of sending time and 4 MB queued for one browser, then it is closed.
    WebSocketSession guarded = new ConcurrentWebSocketSessionDecorator(session, 10_000,
        4 * 1024 * 1024);
    send(guarded, "snapshot", message("snapshot"));
    sessions.add(guarded);
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    sessions.removeIf(s -> s.getId().equals(session.getId()));
  }

  public int sessions() {
    return sessions.size();
  }

  private void tick() {
    if (sessions.isEmpty()) {
      return;
    }
    try {
      String update = message("update");
      for (WebSocketSession s : sessions) {
        send(s, "update", update);
      }
    } catch (RuntimeException | IOException e) {
      // the next tick tries again; a broken session was removed by send
    }
  }

  private String message(String type) throws IOException {
    return json.writeValueAsString(Map.of("type", type, "graph", graphs.live(window)));
  }

  private void send(WebSocketSession s, String type, String text) {
    try {
      if (s.isOpen()) {
        s.sendMessage(new TextMessage(text));
      } else {
        sessions.remove(s);
      }
    } catch (IOException | RuntimeException e) {
      sessions.remove(s);
      try {
        s.close(CloseStatus.SESSION_NOT_RELIABLE);
      } catch (IOException ignored) {
        // already gone
      }
    }
  }
}
