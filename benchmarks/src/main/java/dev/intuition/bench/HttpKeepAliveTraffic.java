package dev.intuition.bench;

import dev.intuition.decoder.pcap.SyntheticConnection;
import dev.intuition.decoder.pcap.SyntheticConnection.Frame;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Synthetic HTTP/1.1 keep-alive traffic: many client connections to a few servers, each carrying a
 * series of request/response pairs (1 segment each way, each acknowledged), with a realistic mix of
 * paths, sizes and statuses (90% 200, 7% 404, 3% 500). Deterministic for a given size.
 */
final class HttpKeepAliveTraffic {
  private HttpKeepAliveTraffic() {}

  /** Emits the frames of {@code connections} connections of {@code requests} requests each. */
  static void generate(int connections, int requests, Consumer<Frame> sink) {
    long start = 1_763_700_000_000_000L;
    // Interleave connections so that the decoder juggles many at once, as on a busy host.
    int batch = 64;
    for (int first = 0; first < connections; first += batch) {
      int n = Math.min(batch, connections - first);
      SyntheticConnection[] conns = new SyntheticConnection[n];
      for (int i = 0; i < n; i++) {
        int c = first + i;
        conns[i] = new SyntheticConnection(SyntheticConnection.ip(10, 0, (c >> 8) & 0xff, c & 0xff),
            20000 + (c % 40000), SyntheticConnection.ip(10, 1, 0, 10 + c % 4), 80, start, sink);
        conns[i].handshake();
      }
      for (int r = 0; r < requests; r++) {
        for (int i = 0; i < n; i++) {
          int k = (first + i) * 31 + r;
          conns[i].advance(50).client(request(k)).advance(300 + k % 900).server(response(k));
        }
      }
      for (SyntheticConnection c : conns) {
        c.close();
      }
      start = conns[0].now();
    }
  }

  private static byte[] request(int k) {
    String path = switch (k % 5) {
      case 0 -> "/api/orders/" + (k % 10_000);
      case 1 -> "/api/users/" + (k % 777) + "?fields=name,email";
      case 2 -> "/health";
      case 3 -> "/api/cart?session=" + (k % 97);
      default -> "/static/app." + (k % 13) + ".js";
    };
    return ("GET " + path + " HTTP/1.1\r\nHost: api.internal\r\nUser-Agent: bench/1.0\r\n"
        + "Accept: application/json\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] response(int k) {
    int status = k % 100 < 3 ? 500 : k % 100 < 10 ? 404 : 200;
    String reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Internal Server Error";
    int size = status == 200 ? 120 + (k % 7) * 60 : 40;
    StringBuilder body = new StringBuilder(size);
    while (body.length() < size) {
      body.append("{\"id\":").append(k).append(",\"name\":\"item\"}");
    }
    body.setLength(size);
    return ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + size + "\r\nConnection: keep-alive\r\n\r\n" + body)
        .getBytes(StandardCharsets.ISO_8859_1);
  }
}
