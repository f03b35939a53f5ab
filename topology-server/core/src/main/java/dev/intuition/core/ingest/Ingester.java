package dev.intuition.core.ingest;

import dev.intuition.decoder.Transaction;
import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.inventory.AddressBook;
import dev.intuition.core.metrics.Metrics;
import dev.intuition.core.graph.Notice;
import dev.intuition.core.notice.NoticeDetector;
import dev.intuition.core.storage.TransactionStore;
import dev.intuition.core.graph.EndpointNames;
import dev.intuition.wire.AddressName;
import dev.intuition.wire.Batch;
import dev.intuition.wire.IngestAnswer;
import dev.intuition.wire.Sample;
import dev.intuition.wire.Summary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies checked batches, with no framework (the HTTP controller only reads and calls): once per
 * batch (a batch sent again after a lost answer is recognised and skipped), the agent's inventory to
 * the {@link AddressBook}, each call named, its time put right and counted into the graph, the metrics
 * and the store.
 *
 * <p>Time from agents is not trusted. Each batch measures the agent's clock against the server's
 * ({@link AgentClocks}); the calls of an agent whose clock is off by a second or more are moved by the
 * offset (and say so in their notes). A call that, even so, ends more than {@code maxFuture} after the
 * server's now is dropped and counted; one older than the store's retention is dropped and counted; one
 * older than the live window only reaches the coarser tiers and the history. None of them can evict
 * what the graph holds for the present. A clock off by {@code clockNoticeAbove} or more, or calls from
 * the future, raise a notice on the graph.
 */
public final class Ingester {
  /**
   * @param maxFuture how far after the server's now a call may end, after correction
   * @param correctClocks whether calls are moved by their agent's measured clock offset
   * @param clockNoticeAbove an agent clock off by this much or more raises a notice
   * @param maxAgents agents whose clocks and batch sequences are tracked
   */
  public record Settings(Duration maxFuture, boolean correctClocks, Duration clockNoticeAbove,
      int maxAgents, double samplesPerSecond) {
    /** The cluster's sampled calls stored a second by default ({@link SampleBudget}). */
    public static final int SAMPLES_PER_SECOND = 500;
    public static final Settings DEFAULT = new Settings(Duration.ofMinutes(2), true,
        Duration.ofSeconds(10), 10_000, SAMPLES_PER_SECOND);
  }

  /**
   * What became of a batch.
   *
   * @param repeated the batch had been applied before: nothing was applied again
   * @param accepted calls counted
   * @param duplicates client-side observations dropped because the server side reports them
   * @param future calls dropped for ending too far in the future
   * @param expired calls dropped for being older than the retention
   * @param late calls older than the live window, counted in the coarser tiers and history only
   * @param clockOffsetSeconds the agent's measured clock offset (0 when unknown)
   */
  public record Result(boolean repeated, long accepted, long duplicates, long future,
      long expired, long late, int truncated, double clockOffsetSeconds,
      List<AddressName> names, double samplesPerSecond) {
    Result(boolean repeated, long accepted, long duplicates, long future, long expired, long late,
        int truncated, double clockOffsetSeconds, List<AddressName> names) {
      this(repeated, accepted, duplicates, future, expired, late, truncated, clockOffsetSeconds,
          names, 0);
    }
  }

  private static final long MAX_SECONDS = 100L * 366 * 24 * 3600;

  private final Clock clock;
  private final Settings settings;
  private final GraphAggregator aggregator;
  private final TransactionStore store;
  private final AddressBook addresses;
  private final Metrics metrics;
  private final NoticeDetector notices;
  private final AgentClocks clocks;
  private final BatchSequences sequences;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong repeated = new AtomicLong();
  private final AtomicLong future = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private final AtomicLong late = new AtomicLong();
  private final AtomicLong truncated = new AtomicLong();
  private final AtomicLong samples = new AtomicLong();
  private final SampleBudget sampleBudget;

  public Ingester(Clock clock, Settings settings, GraphAggregator aggregator,
      TransactionStore store, AddressBook addresses, Metrics metrics, NoticeDetector notices) {
    this.clock = clock;
    this.settings = settings;
    this.aggregator = aggregator;
    this.store = store;
    this.addresses = addresses;
    this.metrics = metrics;
    this.notices = notices;
    this.clocks = new AgentClocks(settings.correctClocks(), settings.maxAgents());
    this.sequences = new BatchSequences(settings.maxAgents());
    this.sampleBudget = new SampleBudget(clock, settings.samplesPerSecond(),
        settings.maxAgents());
  }

  /**
   * Applies a batch that was read and checked whole.
   *
   * @param truncated how many of its transactions had texts cut when it was read
   * @param agent the agent's id, or its address when the batch names none
   * @param sentAt the agent's clock when it sent this attempt (header), else the batch's
   */
  public Result apply(Batch batch, int truncated, String agent, Instant sentAt) {
    long stamp = stamp(batch.sentAt());
    if (!sequences.firstTime(agent, batch.run(), batch.sequence(), stamp)) {
      repeated.incrementAndGet();
      return new Result(true, 0, 0, 0, 0, 0, 0, orZero(clocks.offsetSeconds(agent)), List.of());
    }
    try {
      return applyOnce(batch, truncated, agent, sentAt);
    } catch (RuntimeException e) {
      sequences.forget(agent, batch.run(), batch.sequence(), stamp);
      throw e;
    }
  }

  private Result applyOnce(Batch batch, int cut, String agent, Instant sentAt) {
    Instant now = clock.instant();
    if (batch.inventory() != null) {
      addresses.update(agent, batch.agentHost(), batch.inventory(), batch.health());
    }
    long correction = clocks.observe(agent, batch.agentHost(), sentAt, now);
    agentSeries(agent, batch.agentHost());
    Timing time = new Timing(now, correction);
    List<Transaction> kept = new ArrayList<>(batch.transactions().size());
    for (Transaction t : batch.transactions()) {
      if (addresses.seenByServerSide(t)) {
        time.duplicated++; // the server side's agent reports the same call
        continue;
      }
      Instant at = t.end() != null ? t.end() : t.start();
      if (!time.sane(at.getEpochSecond(), 1)) {
        continue;
      }
      if (time.place(AgentClocks.micros(at), 1) == Timing.DROPPED) {
        continue;
      }
      kept.add(addresses.resolve(correction == 0 ? t : shifted(t, correction)));
    }
    aggregator.addAll(kept);
    for (Transaction t : kept) {
      metrics.record(t);
    }
    // Version 2: summaries merged into the graph, samples stored for the access log only.
    List<GraphAggregator.Calls> summed = new ArrayList<>(batch.summaries().size());
    long summedCalls = 0;
    Map<String, AddressName> names = new LinkedHashMap<>();
    for (Summary x : batch.summaries()) {
      name(x.client(), false, names);
      name(x.server(), "client".equals(x.observedAt()), names);
      long n = x.stats().count();
      if (n == 0) {
        continue;
      }
      if (addresses.seenByServerSide(x.observedAt(), x.server().ip())) {
        time.duplicated += n;
        continue;
      }
      if (!time.sane(x.interval(), n)) {
        continue;
      }
      long micros = time.place(x.interval() * 1_000_000L, n);
      if (micros == Timing.DROPPED) {
        continue;
      }
      GraphAggregator.Calls calls = resolve(x, micros);
      summed.add(calls);
      summedCalls += n;
      metrics.record(calls);
    }
    aggregator.addSummaries(summed);
    // The same calls per endpoint over 10 s: the endpoint tables only, by the same rules.
    List<GraphAggregator.Calls> perEndpoint = new ArrayList<>(batch.endpoints().size());
    Timing endpointTime = new Timing(now, correction);
    for (Summary x : batch.endpoints()) {
      long n = x.stats().count();
      if (n == 0 || addresses.seenByServerSide(x.observedAt(), x.server().ip())
          || !endpointTime.sane(x.interval(), n)) {
        continue;
      }
      long micros = endpointTime.place(x.interval() * 1_000_000L, n);
      if (micros != Timing.DROPPED) {
        perEndpoint.add(resolve(x, micros));
      }
    }
    aggregator.addEndpoints(perEndpoint);
    List<Transaction> samples = new ArrayList<>(batch.samples().size());
    for (Sample sample : batch.samples()) {
      Transaction t = sample.transaction();
      if (addresses.seenByServerSide(t)) {
        continue; // the server side's agent samples the same calls
      }
      Instant at = t.end() != null ? t.end() : t.start();
      // Kept or not by the same rules as its summary, which counts it: counted none here.
      if (at == null || !time.sane(at.getEpochSecond(), 0)
          || time.place(AgentClocks.micros(at), 0) == Timing.DROPPED) {
        continue;
      }
      samples.add(addresses.resolve(correction == 0 ? t : shifted(t, correction)));
    }
    if (!samples.isEmpty() && sampleBudget.limited()) {
      samples = withinBudget(samples, sampleBudget.admit(agent, samples.size()));
    }
    this.samples.addAndGet(samples.size());
    if (!samples.isEmpty()) {
      kept.addAll(samples);
    }
    store.add(kept);
    clocks.count(agent, AgentClocks.Verdict.FUTURE, time.fromFuture);
    clocks.count(agent, AgentClocks.Verdict.EXPIRED, time.tooOld);
    clocks.count(agent, AgentClocks.Verdict.LATE, time.lateCalls);
    double offset = orZero(clocks.offsetSeconds(agent));
    clockNotice(agent, batch.agentHost(), offset, correction != 0, time.fromFuture,
        time.furthest);
    batches.incrementAndGet();
    long counted = kept.size() - samples.size() + summedCalls;
    transactions.addAndGet(counted);
    duplicates.addAndGet(time.duplicated);
    future.addAndGet(time.fromFuture);
    expired.addAndGet(time.tooOld);
    late.addAndGet(time.lateCalls);
    truncated.addAndGet(cut);
    return new Result(false, counted, time.duplicated, time.fromFuture, time.tooOld,
        time.lateCalls, cut, offset,
        List.copyOf(names.values()), sampleBudget.limited() ? sampleBudget.share() : 0);
  }

  /**
   * The {@code allowed} samples of a batch that tell most: errors and warnings first, in the order
   * the agent sent them.
   */
  private static List<Transaction> withinBudget(List<Transaction> samples, int allowed) {
    if (allowed >= samples.size()) {
      return samples;
    }
    List<Transaction> kept = new ArrayList<>(allowed);
    for (Transaction t : samples) {
      if (kept.size() < allowed && t.outcome() != dev.intuition.decoder.Outcome.OK) {
        kept.add(t);
      }
    }
    for (Transaction t : samples) {
      if (kept.size() < allowed && t.outcome() == dev.intuition.decoder.Outcome.OK) {
        kept.add(t);
      }
    }
    return kept;
  }

  /** Samples not stored since start because their agent was past its share of the budget. */
  public long samplesOverBudget() {
    return sampleBudget.overBudget();
  }

  /**
   * The time rules of one batch, the same for its calls (version 1), summaries and samples
   * (version 2), and what they kept out, in calls.
   */
  private final class Timing {
    static final long DROPPED = Long.MIN_VALUE;
    final long nowSecond;
    final long nowMicros;
    final long correction;
    final long maxFuture;
    final long liveFrom;
    final long retainedFrom;
    long duplicated;
    long fromFuture;
    long tooOld;
    long lateCalls;
    long furthest;

    Timing(Instant now, long correction) {
      this.nowSecond = now.getEpochSecond();
      this.nowMicros = AgentClocks.micros(now);
      this.correction = correction;
      this.maxFuture = nowMicros + settings.maxFuture().toNanos() / 1000;
      this.liveFrom = nowMicros - aggregator.settings().liveWindow().toNanos() / 1000;
      this.retainedFrom = nowMicros - store.retention().toNanos() / 1000;
    }

    /** Whether a time is within a century of now; else its {@code n} calls are counted out. */
    boolean sane(long epochSecond, long n) {
      if (Math.abs(epochSecond - nowSecond) <= MAX_SECONDS) {
        return true;
      }
      if (epochSecond > nowSecond) {
        fromFuture += n;
        if (n > 0) {
          furthest = Long.MAX_VALUE;
        }
      } else {
        tooOld += n;
      }
      return false;
    }

    /**
     * The agent's time corrected by its clock's offset, or {@link #DROPPED} (counted) when it is
     * too far ahead or older than the retention; older than the live window is counted as late.
     */
    long place(long agentMicros, long n) {
      long micros = agentMicros - correction;
      if (micros > maxFuture) {
        fromFuture += n;
        if (n > 0) {
          furthest = Math.max(furthest, micros - nowMicros);
        }
        return DROPPED;
      }
      if (micros < retainedFrom) {
        tooOld += n;
        return DROPPED;
      }
      if (micros < liveFrom) {
        lateCalls += n;
      }
      return micros;
    }
  }

  /**
   * Tells the agent what it could not know of an address (see {@link AddressName}): its service
   * when the agent left it unnamed, and whether an agent captures it when {@code always} (the
   * server of a call seen from the client side).
   */
  private void name(Summary.Side side, boolean always, Map<String, AddressName> names) {
    if (side == null || side.ip() == null || (side.service() != null && !always)
        || names.size() >= IngestAnswer.MAX_NAMES || names.containsKey(side.ip())) {
      return;
    }
    AddressBook.Member m = addresses.at(side.ip());
    if (m != null && m.service() != null) {
      names.put(side.ip(), new AddressName(side.ip(), m.service(), m.container(),
          m.container() != null && !m.exited()));
    }
  }

  /** A summary with the ends its agent left unnamed filled in from the inventories. */
  private GraphAggregator.Calls resolve(Summary x, long micros) {
    Summary.Side c = x.client();
    Summary.Side v = x.server();
    String clientService = c == null ? null : c.service();
    String serverService = v.service();
    String serverContainer = v.container();
    if (clientService == null && c != null && c.ip() != null) {
      AddressBook.Member m = addresses.at(c.ip());
      clientService = m == null ? null : m.service();
    }
    if (serverService == null) {
      AddressBook.Member m = addresses.at(v.ip());
      if (m != null) {
        serverService = m.service();
        serverContainer = m.container();
      }
    }
    return new GraphAggregator.Calls(micros, EndpointNames.client(clientService),
        EndpointNames.server(serverService, x.host(), v.ip()), serverService == null,
        x.protocol(), serverContainer, x.endpoint(), x.stats());
  }

  private void clockNotice(String agent, String host, double offset, boolean corrected,
      long fromFuture, long furthestMicros) {
    if (notices == null) {
      return;
    }
    String key = "agent-clock\u0000" + agent;
    String name = host != null ? host : agent;
    if (fromFuture > 0) {
      String ahead = furthestMicros == Long.MAX_VALUE ? "centuries"
          : String.format(Locale.ROOT, "%,d s", furthestMicros / 1_000_000);
      notices.condition(key, "agent-clock", Notice.DANGER, String.format(Locale.ROOT,
          "Agent %s sends calls from the future (up to %s ahead of the server): %,d dropped",
          name, ahead, fromFuture), Math.abs(offset));
    } else if (Math.abs(offset) >= settings.clockNoticeAbove().toNanos() / 1e9) {
      notices.condition(key, "agent-clock", Notice.WARNING, String.format(Locale.ROOT,
          "Agent %s's clock is %,d s %s%s", name, Math.round(Math.abs(offset)),
          offset > 0 ? "ahead" : "behind", corrected ? "; its calls are corrected by it" : ""),
          Math.abs(offset));
    } else {
      notices.clearCondition(key);
    }
  }

  private void agentSeries(String agent, String host) {
    if (metrics == null) {
      return;
    }
    metrics.agentSeries(agent, host, "intuition.agent.clock.offset", "The agent's clock minus "
        + "the server's, in seconds, measured from its batches", null, null,
        () -> clocks.offsetSeconds(agent), false);
    for (AgentClocks.Verdict v : AgentClocks.Verdict.values()) {
      String reason = v.name().toLowerCase(Locale.ROOT);
      metrics.agentSeries(agent, host, "intuition.agent.calls.skewed", "Calls of the agent kept "
          + "out because of their time: future (dropped), expired (dropped), late (history only)",
          "reason", reason, () -> {
            AgentClocks.AgentClock c = clocks.clock(agent);
            return c == null ? null : switch (v) {
              case FUTURE -> c.future();
              case EXPIRED -> c.expired();
              case LATE -> c.late();
            };
          }, true);
    }
  }

  /** {@code t} with its times moved back by {@code micros}, and a note saying so. */
  static Transaction shifted(Transaction t, long micros) {
    java.time.Duration by = java.time.Duration.ofNanos(Math.multiplyExact(micros, 1000L));
    List<String> notes = new ArrayList<>(t.notes().size() + 1);
    notes.addAll(t.notes());
    notes.add(String.format(Locale.ROOT, "time corrected by %+.3f s (agent clock)", -micros / 1e6));
    return new Transaction(t.protocol(), t.client(), t.server(),
        t.start() == null ? null : t.start().minus(by), t.end() == null ? null : t.end().minus(by),
        t.durationMicros(), t.method(), t.resource(), t.query(), t.status(), t.outcome(),
        t.requestBytes(), t.responseBytes(), t.rows(), t.host(), t.forwardedFor(), t.params(),
        notes, t.clientContainer(), t.serverContainer(), t.clientService(), t.serverService(),
        t.observedAt());
  }

  /** The batch's sentAt as one number (0 when it has none): a retry repeats it exactly. */
  private static long stamp(Instant sentAt) {
    if (sentAt == null) {
      return 0;
    }
    long h = sentAt.getEpochSecond() * 1_000_000_007L + sentAt.getNano();
    return h == 0 ? 1 : h;
  }

  private static double orZero(Double d) {
    return d == null ? 0 : d;
  }

  public AgentClocks clocks() {
    return clocks;
  }

  /** Batches applied. */
  public long batches() {
    return batches.get();
  }

  /** Transactions applied. */
  public long transactions() {
    return transactions.get();
  }

  /** Client-side observations dropped: the server side reports the same calls. */
  public long duplicates() {
    return duplicates.get();
  }

  /** Batches sent again after a lost answer, not applied twice. */
  public long repeated() {
    return repeated.get();
  }

  /** Calls dropped for ending too far after the server's now. */
  public long future() {
    return future.get();
  }

  /** Calls dropped for being older than the retention. */
  public long expired() {
    return expired.get();
  }

  /** Calls older than the live window: coarser tiers and history only. */
  public long late() {
    return late.get();
  }

  /** Sampled calls stored (wire version 2), for the access log. */
  public long samples() {
    return samples.get();
  }

  /** Calls whose texts were cut to the limits. */
  public long truncated() {
    return truncated.get();
  }
}
