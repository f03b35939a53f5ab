package dev.intuition.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Watches a server under {@link ScaleLoad} for {@code seconds}: twice a second it times
 * {@code GET /api/v1/graph} (the live graph of the last minute), reads how old the newest second of
 * the probe edge is in it (freshness: the graph's now minus the end of that second), and every five seconds
 * the heap in use from {@code /actuator/prometheus}. Prints one line:
 * {@code probe <fresh p95 s> <fresh max s> <query p95 ms> <query max ms> <heap max MB> <samples>}.
 *
 * <pre>  java -cp benchmarks.jar dev.intuition.bench.ScaleProbe URL SECONDS</pre>
 */
public final class ScaleProbe {
  private ScaleProbe() {}

  public static void main(String[] args) throws Exception {
    String base = args[0];
    int seconds = Integer.parseInt(args[1]);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ObjectMapper json = new ObjectMapper();
    List<Double> fresh = new ArrayList<>();
    List<Double> query = new ArrayList<>();
    double heapMax = 0;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    int round = 0;
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
          URI.create(base + "/api/v1/graph?window=60s")).build(),
          HttpResponse.BodyHandlers.ofString());
      double ms = (System.nanoTime() - t0) / 1e6;
      if (r.statusCode() == 200) {
        query.add(ms);
        JsonNode g = json.readTree(r.body());
        Instant to = Instant.parse(g.get("to").asText());
        for (JsonNode e : g.get("edges")) {
          if (e.get("server").asText().equals("probe-server") && e.hasNonNull("lastSeen")) {
            Instant last = Instant.parse(e.get("lastSeen").asText());
            long secondEnd = last.getEpochSecond() + 1;
            fresh.add((to.toEpochMilli() - secondEnd * 1000) / 1000.0);
          }
        }
      }
      if (++round % 10 != 1) { // the metrics every 5 s, as often as a Prometheus would scrape
        sleepRest(t0);
        continue;
      }
      HttpResponse<String> m = http.send(HttpRequest.newBuilder(
          URI.create(base + "/actuator/prometheus")).build(),
          HttpResponse.BodyHandlers.ofString());
      double heap = 0;
      for (String line : m.body().split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      heapMax = Math.max(heapMax, heap);
      sleepRest(t0);
    }
    System.out.printf(Locale.ROOT, "probe %.2f %.2f %.1f %.1f %.0f %d%n", pct(fresh, 95),
        pct(fresh, 100), pct(query, 95), pct(query, 100), heapMax / (1 << 20), query.size());
  }

  /** Sleeps out the rest of the half second that began at {@code t0}. */
  private static void sleepRest(long t0) throws InterruptedException {
    long wait = 500 - (System.nanoTime() - t0) / 1_000_000;
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  static double pct(List<Double> xs, double p) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(Math.max(0, (int) Math.ceil(p / 100 * s.size()) - 1));
  }
}
