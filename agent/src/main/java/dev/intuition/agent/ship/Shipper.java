package dev.intuition.agent.ship;

import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.json.TransactionJson;
import dev.intuition.wire.AgentIdentity;
import dev.intuition.wire.Backoff;
import dev.intuition.wire.Batch;
import dev.intuition.wire.Health;
import dev.intuition.wire.IngestAnswer;
import dev.intuition.wire.Inventory;
import dev.intuition.wire.ShippingHealth;
import dev.intuition.wire.Wire;
import dev.intuition.wire.WireCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * {@link Wire#VERSION}, written by {@link WireCodec}). Transactions wait in a bounded queue. A batch the server refuses
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
  /** What rides along every few seconds: the host's inventory and the agent's health. */
  public record Metadata(Inventory inventory, Health health) {}

  /** Where and how to ship. */
  public record Settings(URI server, String token, int queueCapacity, int batchSize,
      Duration maxDelay, Duration metadataInterval) {
    public static Settings defaults(URI server, String token) {
      return new Settings(server, token, 100_000, 2_000, Duration.ofSeconds(1),
          Duration.ofSeconds(5));
    }
  }

  private final Settings settings;
  private final AgentIdentity agent;
  private final Supplier<Metadata> metadata;
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
  private final Backoff backoff;
  private volatile String lastError;
  private volatile boolean running = true;
  private long sequence;
  private Thread thread;

  /**
   * @param agent who sends
   * @param metadata inventory and health, called on the shipping thread every
   *     {@code metadataInterval}; null, or a null answer, sends none
   */
  public Shipper(Settings settings, AgentIdentity agent, Supplier<Metadata> metadata) {
    this(settings, agent, metadata, Clock.systemUTC());
  }

  /** @param clock what batches say about when they were sent */
  public Shipper(Settings settings, AgentIdentity agent, Supplier<Metadata> metadata,
      Clock clock) {
    this.clock = clock;
    this.backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30),
        new java.util.SplittableRandom(), clock, Backoff.Sleeper.THREAD);
    this.settings = settings;
    this.agent = agent;
    this.metadata = metadata == null ? () -> null : metadata;
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

  /** What shipping has done so far, as the agent's health reports it. */
  public ShippingHealth counters() {
    return new ShippingHealth(queue.size(), sent.get(), dropped.get(), batches.get(), failed.get(),
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
      Result result = send(encode(batch, metadataDue ? metadata.get() : null));
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
        HttpRequest request = HttpRequest.newBuilder(settings.server().resolve(Wire.PATH))
            .timeout(Duration.ofSeconds(30))
            .header(Wire.AUTHORIZATION_HEADER, Wire.BEARER + settings.token())
            .header("Content-Type", Wire.CONTENT_TYPE)
            .header("Content-Encoding", "gzip")
            .header(Wire.VERSION_HEADER, Integer.toString(Wire.VERSION))
            .header(Wire.SENT_AT_HEADER, TransactionJson.instant(clock.instant()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = r.statusCode();
        if (status / 100 == 2) {
          batches.incrementAndGet();
          lastError = null;
          IngestAnswer answer = WireCodec.readAnswer(r.body());
          serverExpired.addAndGet(answer.expired());
          serverFuture.addAndGet(answer.future());
          return Result.DELIVERED;
        }
        lastError = "server answered " + status + ": " + shorten(r.body());
        if (status / 100 == 4 && status != 408 && status != 429) {
          failed.incrementAndGet(); // bad token, format or size: sending it again will not help
          refusedBatches.incrementAndGet();
          return Result.REFUSED;
        }
        retryAfter = backoff.retryAfterMillis(r.headers().firstValue("Retry-After").orElse(null));
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
        backoff.await(retryAfter);
      } catch (InterruptedException e) {
        return Result.GAVE_UP;
      }
    }
  }

  private static String shorten(String s) {
    return s == null ? "" : s.length() <= 300 ? s : s.substring(0, 297) + "...";
  }

  /** The batch as gzip-compressed JSON (docs/wire-format.md). */
  byte[] encode(List<Transaction> transactions, Metadata metadata) {
    Batch batch = new Batch(Wire.VERSION, agent, run, ++sequence, clock.instant(),
        transactions, metadata == null ? null : metadata.inventory(),
        metadata == null ? null : metadata.health());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + transactions.size() * 100);
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 1 << 16)) {
      WireCodec.write(batch, gz);
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
