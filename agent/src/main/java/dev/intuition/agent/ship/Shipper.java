package dev.intuition.agent.ship;

import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.json.TransactionJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * Sends the agent's transactions to the topology server in batches over one persistent HTTP/1.1
 * connection, gzip-compressed and authenticated with the shared token (wire format: docs/wire-format.md,
 * version {@value #WIRE_VERSION}). Transactions wait in a bounded queue. A batch the server refuses
 * with a 4xx (bad token, malformed, too large: sending it again would not help) is dropped and
 * counted; on a 5xx, a 408 or 429, a timeout or a refused connection the same batch is sent again,
 * after a backoff from 0.5 s doubling to 30 s with jitter and never sooner than the server's
 * Retry-After, while new transactions that do not fit the queue are dropped and counted. A batch sent
 * again carries the same run id and sequence number, so the server applies it once even when only
 * its answer was lost; each attempt says when it was sent ({@code X-Intuition-Sent-At}, from the
 * injected clock) so that the server can measure this host's clock. Every few seconds a batch also
 * carries the agent's inventory and capture health, even when there is no traffic.
 */
public final class Shipper implements AutoCloseable {
  public static final int WIRE_VERSION = 1;
  public static final String PATH = "/api/v1/ingest";
  public static final String SENT_AT_HEADER = "X-Intuition-Sent-At";

  /**
   * What shipping has done so far.
   *
   * @param refusedBatches batches the server refused with a 4xx (their transactions are in dropped)
   * @param serverExpired calls the server took but dropped as older than its retention
   * @param serverFuture calls the server took but dropped as from the future (this host's clock)
   */
  public record Counters(long queued, long sent, long dropped, long batches, long failedAttempts,
      String lastError, long refusedBatches, long serverExpired, long serverFuture) {}

  /** Where and how to ship. */
  public record Settings(URI server, String token, int queueCapacity, int batchSize,
      Duration maxDelay, Duration metadataInterval) {
    public static Settings defaults(URI server, String token) {
      return new Settings(server, token, 100_000, 2_000, Duration.ofSeconds(1),
          Duration.ofSeconds(5));
    }
  }

  private final Settings settings;
  private final String agentJson;
  private final Supplier<String> metadataJson;
  private final ArrayBlockingQueue<Transaction> queue;
  private final HttpClient http;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong refusedBatches = new AtomicLong();
  private final AtomicLong serverExpired = new AtomicLong();
  private final AtomicLong serverFuture = new AtomicLong();
  private final Clock clock;
  private final String run = java.util.UUID.randomUUID().toString();
  private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30),
      new java.util.SplittableRandom());
  private volatile String lastError;
  private volatile boolean running = true;
  private long sequence;
  private Thread thread;

  /**
   * @param agentJson the agent's identity as a JSON object ({"id":..,"host":..,"version":..})
   * @param metadataJson inventory and health as JSON members ({@code "inventory":{..},"health":{..}}),
   *     called on the shipping thread every {@code metadataInterval}
   */
  public Shipper(Settings settings, String agentJson, Supplier<String> metadataJson) {
    this(settings, agentJson, metadataJson, Clock.systemUTC());
  }

  /** @param clock what batches say about when they were sent */
  public Shipper(Settings settings, String agentJson, Supplier<String> metadataJson, Clock clock) {
    this.clock = clock;
    this.settings = settings;
    this.agentJson = agentJson;
    this.metadataJson = metadataJson;
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  public Shipper start() {
    thread = Thread.ofPlatform().name("shipper").daemon().start(this::run);
    return this;
  }

  /** Hands a transaction over; never blocks: when the queue is full it is dropped and counted. */
  public void offer(Transaction t) {
    if (!queue.offer(t)) {
      dropped.incrementAndGet();
    }
  }

  public Counters counters() {
    return new Counters(queue.size(), sent.get(), dropped.get(), batches.get(), failed.get(),
        lastError, refusedBatches.get(), serverExpired.get(), serverFuture.get());
  }

  private enum Result { DELIVERED, REFUSED, GAVE_UP }

  private void run() {
    List<Transaction> batch = new ArrayList<>(settings.batchSize());
    long nextMetadata = 0;
    while (running || !queue.isEmpty()) {
      try {
        Transaction first = queue.poll(settings.maxDelay().toMillis(), TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, settings.batchSize() - 1);
        }
      } catch (InterruptedException e) {
        break;
      }
      boolean metadataDue = System.nanoTime() >= nextMetadata;
      if (batch.isEmpty() && !metadataDue) {
        continue;
      }
      Result result = send(encode(batch, metadataDue ? metadataJson.get() : null));
      switch (result) {
        case DELIVERED -> sent.addAndGet(batch.size());
        case REFUSED -> dropped.addAndGet(batch.size());
        case GAVE_UP -> {
          dropped.addAndGet(batch.size() + queue.size());
          queue.clear();
          return;
        }
      }
      batch.clear();
      if (metadataDue) {
        nextMetadata = System.nanoTime() + settings.metadataInterval().toNanos();
      }
    }
  }

  /**
   * Posts one batch: again, with backoff, while the server is unreachable, busy or failing; not again
   * when it refuses the batch itself (4xx other than 408 and 429).
   */
  private Result send(byte[] body) {
    backoff.reset();
    while (true) {
      long retryAfter = 0;
      try {
        HttpRequest request = HttpRequest.newBuilder(settings.server().resolve(PATH))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + settings.token())
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .header("X-Intuition-Wire-Version", Integer.toString(WIRE_VERSION))
            .header(SENT_AT_HEADER, TransactionJson.instant(clock.instant()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = r.statusCode();
        if (status / 100 == 2) {
          batches.incrementAndGet();
          lastError = null;
          serverExpired.addAndGet(count(r.body(), "expired"));
          serverFuture.addAndGet(count(r.body(), "future"));
          return Result.DELIVERED;
        }
        lastError = "server answered " + status + ": " + shorten(r.body());
        if (status / 100 == 4 && status != 408 && status != 429) {
          failed.incrementAndGet(); // bad token, format or size: sending it again will not help
          refusedBatches.incrementAndGet();
          return Result.REFUSED;
        }
        retryAfter = Backoff.retryAfterMillis(r.headers().firstValue("Retry-After").orElse(null),
            clock.instant());
      } catch (IOException e) {
        lastError = "cannot reach " + settings.server() + ": " + e.getMessage();
      } catch (InterruptedException e) {
        return Result.GAVE_UP;
      }
      failed.incrementAndGet();
      if (!running) {
        return Result.GAVE_UP; // closing while the server is away: do not hang
      }
      try {
        Thread.sleep(backoff.nextDelayMillis(retryAfter));
      } catch (InterruptedException e) {
        return Result.GAVE_UP;
      }
    }
  }

  /** A count from the server's answer ({@code "expired":12}), 0 when it has none. */
  static long count(String body, String field) {
    if (body == null) {
      return 0;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + field + "\":(\\d{1,18})")
        .matcher(body);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static String shorten(String s) {
    return s == null ? "" : s.length() <= 300 ? s : s.substring(0, 297) + "...";
  }

  /** The batch as gzip-compressed JSON (docs/wire-format.md). */
  byte[] encode(List<Transaction> batch, String metadata) {
    StringBuilder sb = new StringBuilder(256 + batch.size() * 400);
    sb.append("{\"version\":").append(WIRE_VERSION)
        .append(",\"agent\":").append(agentJson)
        .append(",\"run\":\"").append(run).append('"')
        .append(",\"sequence\":").append(++sequence)
        .append(",\"sentAt\":\"").append(TransactionJson.instant(clock.instant())).append('"')
        .append(",\"transactions\":[");
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      TransactionJson.write(batch.get(i), sb);
    }
    sb.append(']');
    if (metadata != null && !metadata.isEmpty()) {
      sb.append(',').append(metadata);
    }
    sb.append('}');
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(sb.length() / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 1 << 16)) {
      gz.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("gzip to memory failed", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Stops taking new work and sends what is queued if the server answers within a few seconds; then
   * gives up (what is left is counted as dropped).
   */
  @Override
  public void close() {
    running = false;
    if (thread == null) {
      return;
    }
    try {
      thread.join(5_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
