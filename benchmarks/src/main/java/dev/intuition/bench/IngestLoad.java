package dev.intuition.bench;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * Ingest throughput over HTTP: {@code threads} clients post gzipped batches of 500 transactions (as
 * agents do) to a running server for {@code seconds}, then the accepted transactions per second are
 * printed. Bounded in time; used by scripts/bench-ingest.sh.
 *
 * <pre>  java -cp benchmarks.jar dev.intuition.bench.IngestLoad URL TOKEN SECONDS THREADS</pre>
 */
public final class IngestLoad {
  private IngestLoad() {}

  public static void main(String[] args) throws Exception {
    URI ingest = URI.create(args[0] + "/api/v1/ingest");
    String token = args[1];
    long seconds = Long.parseLong(args[2]);
    int threads = Integer.parseInt(args[3]);
    List<byte[]> bodies = new ArrayList<>();
    for (int b = 0; b < 20; b++) {
      bodies.add(batch(b));
    }
    AtomicLong accepted = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long start = System.nanoTime();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      workers.add(Thread.ofPlatform().start(() -> {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int i = id;
        while (System.nanoTime() < end) {
          try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(ingest)
                .header("Authorization", "Bearer " + token)
                .header("Content-Encoding", "gzip").header("X-Intuition-Wire-Version", "1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i++ % bodies.size())))
                .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 202) {
              accepted.addAndGet(500);
            } else {
              failed.incrementAndGet();
            }
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      }));
    }
    for (Thread w : workers) {
      w.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf("ingest: %d transactions in %.1f s = %.0f transactions/s over HTTP"
        + " (%d threads, batches of 500, gzip); %d failed requests%n", accepted.get(), elapsed,
        accepted.get() / elapsed, threads, failed.get());
  }

  private static byte[] batch(int b) throws Exception {
    List<Transaction> ts = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < 500; i++) {
      int e = (b * 500 + i) % 1000;
      long micros = 200 + (i * 37L) % 20_000;
      ts.add(new Transaction(Protocol.HTTP, new Endpoint("10.0.0." + (e % 250), 40000 + i),
          new Endpoint("10.0.1." + (e % 250), 80), now.minusNanos(micros * 1000), now, micros,
          "GET", "/items/" + i, null, i % 50 == 0 ? "500" : "200",
          i % 50 == 0 ? Outcome.ERROR : Outcome.OK, 300, 1200, null, null, null, null, List.of(),
          "svc-" + (e % 300) + "-1", "svc-" + ((e * 7) % 300) + "-1", "svc-" + (e % 300),
          "svc-" + ((e * 7) % 300), "server"));
    }
    // No sequence: the same twenty bodies are sent over and over, each time as a new batch (a
    // sequence would make the server take them for retries of one another, and apply them once).
    byte[] json = Json.mapper().writeValueAsBytes(Map.of("version", 1, "agent",
        Map.of("id", "load"), "transactions", ts));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(json);
    }
    return out.toByteArray();
  }
}
