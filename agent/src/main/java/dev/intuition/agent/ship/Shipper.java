package dev.intuition.agent.ship;

import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.json.TransactionJson;
import dev.intuition.wire.AgentIdentity;
import dev.intuition.wire.Backoff;
import dev.intuition.wire.Batch;
import dev.intuition.wire.Sample;
import dev.intuition.wire.Summary;
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
 * Sends what the agent decoded to the topology server. In wire version 2 (the default) the calls are
 * summed per second and key by a {@link Summarizer}, which also keeps a fair, weighted sample of
 * them, and each second goes out as summaries and samples once it is complete: the batches' size
 * follows the edges and the sample budget, not the traffic. In version 1 every call is sent.
 *
 * <p>Batches go out over one persistent HTTP/1.1
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

  /**
   * Where and how to ship.
   *
   * @param queueCapacity version 1: calls waiting to be sent at most
   * @param batchSize version 1: calls per batch; version 2: summaries and samples per batch
   * @param maxDelay how long a call waits at most before its batch is sent (version 2: before its
   *     second is looked at again)
   * @param wireVersion 2 (summaries and samples, the default) or 1 (every call, for servers that
   *     speak only version 1; a server that answers 426 to version 2 is sent version 1 from then on)
   * @param summarizer version 2: the limits on summaries and the sample's budgets
   */
  public record Settings(URI server, String token, int queueCapacity, int batchSize,
      Duration maxDelay, Duration metadataInterval, int wireVersion,
      Summarizer.Settings summarizer) {
    public Settings {
      if (wireVersion < Wire.OLDEST_VERSION || wireVersion > Wire.VERSION) {
        throw new IllegalArgumentException("wire version " + wireVersion + " is not one of "
            + Wire.OLDEST_VERSION + " to " + Wire.VERSION);
      }
    }

    /** The current wire version, the default summarizer. */
    public Settings(URI server, String token, int queueCapacity, int batchSize,
        Duration maxDelay, Duration metadataInterval) {
      this(server, token, queueCapacity, batchSize, maxDelay, metadataInterval, Wire.VERSION,
          Summarizer.Settings.DEFAULT);
    }

    public static Settings defaults(URI server, String token) {
      return new Settings(server, token, 100_000, 2_000, Duration.ofSeconds(1),
          Duration.ofSeconds(5));
    }

    public Settings withWireVersion(int version) {
      return new Settings(server, token, queueCapacity, batchSize, maxDelay, metadataInterval,
          version, summarizer);
    }

    public Settings withSummarizer(Summarizer.Settings summarizer) {
      return new Settings(server, token, queueCapacity, batchSize, maxDelay, metadataInterval,
          wireVersion, summarizer);
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
  private final Summarizer summarizer;
  /** The version batches are written in; falls back to 1 for a server that answers 426. */
  private volatile int version;
  /** Calls of version-2 batches given up (refused, or lost at shutdown). */
  private final AtomicLong summarizedDropped = new AtomicLong();

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
    this.version = settings.wireVersion();
    this.summarizer = new Summarizer(settings.summarizer(), clock,
        new java.util.SplittableRandom());
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  public Shipper start() {
    thread = Thread.ofPlatform().name("shipper").daemon().start(this::run);
    return this;
  }

  /**
   * Hands a transaction over; never blocks. Version 2: counted into its second's summary (past the
   * summarizer's limits it is dropped and counted); version 1: queued, and when the queue is full
   * dropped and counted.
   */
  public void offer(Transaction t) {
    if (version >= 2) {
      summarizer.add(t);
    } else if (!queue.offer(t)) {
      dropped.incrementAndGet();
    }
  }

  /** What shipping has done so far, as the agent's health reports it (in calls). */
  public ShippingHealth counters() {
    return new ShippingHealth(queue.size() + summarizer.pending(), sent.get(),
        dropped.get() + summarizedDropped.get() + summarizer.dropped(), batches.get(),
        failed.get(), lastError, refusedBatches.get(), serverExpired.get(), serverFuture.get(),
        summarizer.monitoredElsewhere(), summarizer.leftOut());
  }

  /** The summarizer (version 2): its counters, the samples it left out per container. */
  public Summarizer summarizer() {
    return summarizer;
  }

  /** The wire version batches are written in now. */
  public int wireVersion() {
    return version;
  }

  private enum Result { DELIVERED, REFUSED, GAVE_UP, OLDER_SERVER }

  private void run() {
    if (version >= 2) {
      runSummaries();
    }
    runCalls();
  }

  /**
   * Version 2: every {@code maxDelay}, the seconds that are complete go out as summaries and
   * samples, in batches of at most {@code batchSize} of them.
   */
  private void runSummaries() {
    long nextMetadata = 0;
    while (true) {
      boolean last = !running;
      if (!last) {
        try {
          Thread.sleep(settings.maxDelay().toMillis());
        } catch (InterruptedException e) {
          summarizedDropped.addAndGet(summarizer.pending());
          return;
        }
      }
      Summarizer.Drained d = summarizer.drain(last);
      boolean metadataDue = System.nanoTime() >= nextMetadata;
      if (d.summaries().isEmpty() && d.endpoints().isEmpty() && d.samples().isEmpty()
          && !metadataDue) {
        if (last) {
          return;
        }
        continue;
      }
      int size = Math.max(1, settings.batchSize());
      int summaries = d.summaries().size();
      int endpoints = d.endpoints().size();
      int samples = d.samples().size();
      int parts = Math.max(1, (int) Math.ceil(
          (double) Math.max(summaries, Math.max(endpoints, samples)) / size));
      long unsent = d.calls(); // of this drain: what is given up if the rest cannot go
      for (int i = 0; i < parts; i++) {
        List<Summary> sx = d.summaries().subList(Math.min(summaries, i * size),
            Math.min(summaries, (i + 1) * size));
        List<Summary> ex = d.endpoints().subList(Math.min(endpoints, i * size),
            Math.min(endpoints, (i + 1) * size));
        List<Sample> px = d.samples().subList(Math.min(samples, i * size),
            Math.min(samples, (i + 1) * size));
        long calls = 0;
        for (Summary x : sx) {
          calls += x.stats().count();
        }
        Metadata m = metadataDue && i == 0 ? metadata.get() : null;
        Result result = send(encode(sx, ex, px, m), 2);
        switch (result) {
          case DELIVERED -> sent.addAndGet(calls);
          case REFUSED -> summarizedDropped.addAndGet(calls);
          case OLDER_SERVER -> {
            summarizedDropped.addAndGet(unsent);
            version = 1; // from now on every call, as that server reads them
            summarizedDropped.addAndGet(summarizer.drain(true).calls());
            return;
          }
          case GAVE_UP -> {
            summarizedDropped.addAndGet(unsent + summarizer.pending());
            return;
          }
        }
        unsent -= calls;
      }
      if (metadataDue) {
        nextMetadata = System.nanoTime() + settings.metadataInterval().toNanos();
      }
      if (last) {
        return;
      }
    }
  }

  /** Version 1: every call, in batches of at most {@code batchSize}. */
  private void runCalls() {
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
      Result result = send(encode(batch, metadataDue ? metadata.get() : null), 1);
      switch (result) {
        case DELIVERED -> sent.addAndGet(batch.size());
        case REFUSED, OLDER_SERVER -> dropped.addAndGet(batch.size());
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
  private Result send(byte[] body, int wireVersion) {
    backoff.reset();
    while (true) {
      long retryAfter = 0;
      try {
        HttpRequest request = HttpRequest.newBuilder(settings.server().resolve(Wire.PATH))
            .timeout(Duration.ofSeconds(30))
            .header(Wire.AUTHORIZATION_HEADER, Wire.BEARER + settings.token())
            .header("Content-Type", Wire.CONTENT_TYPE)
            .header("Content-Encoding", "gzip")
            .header(Wire.VERSION_HEADER, Integer.toString(wireVersion))
            .header(Wire.SENT_AT_HEADER, TransactionJson.instant(clock.instant()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = r.statusCode();
        if (status / 100 == 2) {
          batches.incrementAndGet();
          lastError = null;
          IngestAnswer answer = WireCodec.readAnswer(r.body());
          summarizer.names().learn(answer.names());
          if (answer.samplesPerSecond() > 0) {
            summarizer.shareOfCluster(answer.samplesPerSecond());
          }
          serverExpired.addAndGet(answer.expired());
          serverFuture.addAndGet(answer.future());
          return Result.DELIVERED;
        }
        lastError = "server answered " + status + ": " + shorten(r.body());
        if (status == 426 && wireVersion > Wire.OLDEST_VERSION) {
          failed.incrementAndGet(); // a server older than this agent: it gets version 1 now
          refusedBatches.incrementAndGet();
          lastError += " (sending wire version " + Wire.OLDEST_VERSION + " from now on)";
          return Result.OLDER_SERVER;
        }
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

  /** A batch of version 1 as gzip-compressed JSON (docs/wire-format.md). */
  byte[] encode(List<Transaction> transactions, Metadata metadata) {
    return encode(new Batch(1, agent, run, ++sequence, clock.instant(),
        transactions, metadata == null ? null : metadata.inventory(),
        metadata == null ? null : metadata.health()));
  }

  /** A batch of version 2 as gzip-compressed JSON (docs/wire-format.md). */
  byte[] encode(List<Summary> summaries, List<Summary> endpoints, List<Sample> samples,
      Metadata metadata) {
    return encode(new Batch(2, agent, run, ++sequence, clock.instant(), List.of(),
        metadata == null ? null : metadata.inventory(),
        metadata == null ? null : metadata.health(), summaries, endpoints, samples));
  }

  private static byte[] encode(Batch batch) {
    int parts = batch.transactions().size() + batch.summaries().size()
        + batch.endpoints().size() + batch.samples().size();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + parts * 100);
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
