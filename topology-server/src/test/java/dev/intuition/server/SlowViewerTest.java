package dev.intuition.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.server.stream.GraphStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Each viewer on its own: a client that completes the handshake and then never reads (a laptop lid
 * closed on a slow link) neither delays the updates of a reading client by more than a second nor
 * stays connected: it is closed once it falls behind. The handshake is refused to a page of another
 * origin, taken from the same origin, from a listed one and from clients that send no Origin.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "intuition.token=t", "intuition.stream.interval=500ms", "intuition.graph.tick=false",
    "intuition.stream.allowed-origins=https://intuition.example.com"})
class SlowViewerTest {
  static final long INTERVAL_MILLIS = 500;
  @LocalServerPort int port;
  @Autowired GraphAggregator aggregator;
  @Autowired GraphStream stream;

  /** A graph big enough that a few updates fill the socket buffers: 1,200 edges, ~500 KB. */
  void bigGraph() {
    Instant now = Instant.now();
    List<Transaction> calls = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      calls.add(new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 1),
          new Endpoint("10.0.0.2", 80), now.minusMillis(2), now.minusMillis(1), 1000L, "GET", "/",
          "GET /", "200", Outcome.OK, 1, 1, null, null, null, null, List.of(), null, null,
          "client-service-" + (i % 40), "server-service-" + i, "server"));
    }
    aggregator.addAll(calls);
  }

  /** Opens a WebSocket by hand and returns the socket after the answer's status line. */
  Socket handshake(String origin, int receiveBuffer, StringBuilder status) throws Exception {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(10_000);
    OutputStream out = s.getOutputStream();
    out.write(("GET /ws/graph HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n")
        + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      status.append((char) c);
    }
    return s;
  }

  @Test
  void aViewerThatStopsReadingDelaysNoOtherAndIsClosed() throws Exception {
    bigGraph();
    StringBuilder status = new StringBuilder();
    try (Socket stuck = handshake(null, 4096, status)) {
      assertTrue(status.toString().contains(" 101 "), status.toString());
      // A reading viewer, timing every update it gets.
      List<Long> arrivals = new CopyOnWriteArrayList<>();
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/graph"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
              if (last) {
                arrivals.add(System.nanoTime());
              }
              w.request(1);
              return null;
            }
          }).get(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (stream.sessions() > 1 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        bigGraph(); // keep the graph fresh and large
      }
      assertEquals(1, stream.sessions(), "the viewer that does not read was closed");
      Thread.sleep(3 * INTERVAL_MILLIS);
      long maxGap = 0;
      for (int i = 1; i < arrivals.size(); i++) {
        maxGap = Math.max(maxGap, arrivals.get(i) - arrivals.get(i - 1));
      }
      System.out.printf("reading viewer: %d updates, longest gap %d ms%n", arrivals.size(),
          maxGap / 1_000_000);
      assertTrue(arrivals.size() >= 5, "updates arrived: " + arrivals.size());
      assertTrue(maxGap <= TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS + 1000),
          "no update was delayed by more than a second: longest gap " + maxGap / 1_000_000
              + " ms");
      ws.abort();
    }
  }

  @Test
  void theHandshakeChecksTheOrigin() throws Exception {
    String self = "http://127.0.0.1:" + port;
    for (Object[] c : new Object[][] {{"https://evil.example", " 403 "}, {"null", " 403 "},
        {self, " 101 "}, {"https://intuition.example.com", " 101 "}, {null, " 101 "}}) {
      StringBuilder status = new StringBuilder();
      try (Socket s = handshake((String) c[0], 0, status)) {
        assertTrue(status.toString().contains((String) c[1]), c[0] + ": " + status);
      }
    }
  }
}
