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
 * Hostile loads for a running server, used by scripts/chaos.sh; each bounded in count and time:
 *
 * <pre>
 *   java -cp benchmarks.jar dev.intuition.bench.ServerLoad URL TOKEN maximal N BYTES
 *       N batches of about BYTES decompressed each, all at once; each answered 503 is sent again
 *       after its Retry-After (at most 60 times); prints the calls sent and how the batches went
 *   java -cp benchmarks.jar dev.intuition.bench.ServerLoad URL TOKEN names COUNT
 *       COUNT calls between COUNT distinct pairs of services, in batches of 10,000
 * </pre>
 */
public final class ServerLoad {
  private ServerLoad() {}

  public static void main(String[] args) throws Exception {
    URI ingest = URI.create(args[0] + "/api/v1/ingest");
    String token = args[1];
    switch (args[2]) {
      case "maximal" -> maximal(ingest, token, Integer.parseInt(args[3]), Long.parseLong(args[4]));
      case "names" -> names(ingest, token, Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException("maximal or names, got " + args[2]);
    }
  }

  static Transaction call(String client, String server, Instant end, int i) {
    long micros = 200 + (i * 37L) % 20_000;
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0." + (i % 250), 40000 + i % 20000),
        new Endpoint("10.0.1." + (i % 250), 80), end.minusNanos(micros * 1000), end, micros, "GET",
        "/items/" + i, "GET /items/" + i + "?page=2", "200", Outcome.OK, 300, 1200, null, null,
        null, null, List.of(), client + "-1", server + "-1", client, server, "server");
  }

  static byte[] gzip(Object batch) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(Json.mapper().writeValueAsBytes(batch));
    }
    return out.toByteArray();
  }

  static HttpResponse<String> post(HttpClient http, URI ingest, String token, byte[] body)
      throws Exception {
    return http.send(HttpRequest.newBuilder(ingest).header("Authorization", "Bearer " + token)
        .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  static void maximal(URI ingest, String token, int n, long bytes) throws Exception {
    Instant now = Instant.now();
    int perBatch = (int) (bytes / 560); // a call is about 560 bytes of JSON
    List<byte[]> bodies = new ArrayList<>();
    for (int b = 0; b < n; b++) {
      List<Transaction> ts = new ArrayList<>(perBatch);
      for (int i = 0; i < perBatch; i++) {
        ts.add(call("big-" + (i % 50), "store-" + (i % 7), now.minusMillis(i % 2000), i));
      }
      bodies.add(gzip(Map.of("version", 1, "agent", Map.of("id", "maximal-" + b), "run", "r",
          "sequence", 1, "sentAt", now.toString(), "transactions", ts)));
    }
    AtomicLong busy = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (byte[] body : bodies) {
      threads.add(Thread.ofPlatform().start(() -> {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int attempt = 0; attempt < 60; attempt++) {
          try {
            HttpResponse<String> r = post(http, ingest, token, body);
            if (r.statusCode() == 202) {
              return;
            }
            if (r.statusCode() != 503) {
              failed.incrementAndGet();
              System.out.println("maximal: answered " + r.statusCode() + ": " + r.body());
              return;
            }
            busy.incrementAndGet();
            Thread.sleep(1000L * Integer.parseInt(r.headers().firstValue("Retry-After")
                .orElse("1")));
          } catch (Exception e) {
            failed.incrementAndGet();
            System.out.println("maximal: " + e);
            return;
          }
        }
        failed.incrementAndGet();
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.printf("maximal: %d batches of %d calls (%,d bytes of JSON each) sent at once: "
        + "%d calls sent, %d answers 503 (sent again), %d failed%n", n, perBatch,
        perBatch * 560L, (long) n * perBatch, busy.get(), failed.get());
  }

  static void names(URI ingest, String token, int count) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Instant now = Instant.now();
    int sent = 0;
    for (int from = 0; from < count; from += 10_000) {
      List<Transaction> ts = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 10_000); i++) {
        ts.add(call("caller-" + i, "service-" + i, now, i));
      }
      HttpResponse<String> r = post(http, ingest, token, gzip(Map.of("version", 1, "agent",
          Map.of("id", "names"), "transactions", ts)));
      if (r.statusCode() != 202) {
        throw new IllegalStateException("answered " + r.statusCode() + ": " + r.body());
      }
      sent += ts.size();
    }
    System.out.printf("names: %d calls between %d distinct pairs of services sent%n", sent, count);
  }
}
