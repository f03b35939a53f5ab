package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.endpoint.Endpoints;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns transactions into the service graph, with no framework: per edge (client service, server
 * service, protocol) and per node (a service, split per container), mergeable {@link CallStats} in
 * three resolutions:
 *
 * <ul>
 *   <li>1-second buckets over the live window (default 5 minutes), for the live graph;
 *   <li>10-second buckets over the recent window (default 1 hour);
 *   <li>1-minute roll-ups, handed to the {@link RollupHistory} (the store) once a minute is complete (plus a
 *       grace for late batches; a batch later still adds a supplement, since statistics add up), and
 *       read back from it for anything older than the recent window.
 * </ul>
 *
 * <p>{@link #graph(Instant, Instant)} uses the finest resolution that covers the range. Buckets form
 * rings, the oldest reused when time moves on, so memory is bounded by edges x buckets. A transaction
 * is placed by its end (its start for a request that never got an answer). In the live graph, an edge
 * or node that stops carrying traffic stays, with no calls, until {@code fadeAfter} has passed since
 * its last call: it fades out rather than blinking. Thread-safe; {@link #tick} is called about once a
 * second.
 *
 * <p>Its pieces, each a class of its own: {@link EdgeNaming} names each call's edge and node within
 * the limits; two {@link TimeRing}s of {@link Bucket}s hold the 1-second and 10-second statistics;
 * {@link MinuteRollups} takes the minutes to the history; a {@link RangeSum} gathers a range's
 * statistics to be summed by {@link CallStats.Summer}; {@link GraphBuilder} turns summed statistics
 * into a {@link Graph}, and {@link EdgeSeries} spreads an edge's buckets over steps. What stays here
 * is their orchestration under one lock, the memory budget, and which buckets a query reads.
 *
 * <pre>
 *   GraphAggregator g = new GraphAggregator(clock, GraphAggregator.Settings.DEFAULT, store);
 *   transactions.forEach(g::add);
 *   Graph now = g.graph(Duration.ofSeconds(60));
 * </pre>
 */
public final class GraphAggregator {
  /** An edge of the graph; external when the server is no known service. */
  public record EdgeKey(String client, String server, Protocol protocol, boolean external) {}


  /**
   * @param liveWindow covered by 1-second buckets
   * @param recentWindow covered by 10-second buckets
   * @param fadeAfter how long an edge or node stays in the live graph after its last call
   * @param minuteGrace how long after its end a minute waits for late batches before it is stored
   * @param maxServices distinct service names (nodes) kept; calls of further ones are counted under
   *     {@value #OTHER}
   * @param maxEdges distinct edges kept; calls on further ones are counted on the edge
   *     {@value #OTHER} to {@value #OTHER}
   * @param maxContainersPerService containers told apart per service; further ones are counted as
   *     the container {@value #OTHER}
   * @param maxContainers containers told apart in all (so the statistics of a second stay bounded
   *     whatever the services); further ones are counted as the container {@value #OTHER}
   * @param maxBytes what the 1-second and 10-second rings may take of the heap; past it the oldest
   *     10-second buckets are given up first (their range then comes from the stored minutes)
   */
  public record Settings(Duration liveWindow, Duration recentWindow, Duration fadeAfter,
      Duration minuteGrace, int maxServices, int maxEdges, int maxContainersPerService,
      int maxContainers, long maxBytes) {
    public static final long DEFAULT_MAX_BYTES = 320L << 20;
    public static final Settings DEFAULT = new Settings(Duration.ofMinutes(5), Duration.ofHours(1),
        Duration.ofMinutes(2), Duration.ofSeconds(30), 2_000, 5_000, 100, 10_000,
        DEFAULT_MAX_BYTES);

    public Settings {
      if (liveWindow.toSeconds() < 1 || recentWindow.toSeconds() < 10) {
        throw new IllegalArgumentException("the live window must be at least 1 s and the recent "
            + "window at least 10 s");
      }
      if (maxServices < 1 || maxEdges < 1 || maxContainersPerService < 1 || maxContainers < 1
          || maxBytes < 1 << 20) {
        throw new IllegalArgumentException("the limits on services, edges and containers must be "
            + "positive, and the graph's memory at least 1 MB");
      }
    }

    /** The default limits. */
    public Settings(Duration liveWindow, Duration recentWindow, Duration fadeAfter,
        Duration minuteGrace) {
      this(liveWindow, recentWindow, fadeAfter, minuteGrace, 2_000, 5_000, 100, 10_000,
          DEFAULT_MAX_BYTES);
    }
  }

  /** The name under which what goes past a limit is counted: a node, an edge's ends, a container. */
  public static final String OTHER = "(other)";

  /**
   * What one statistic in a ring costs on the heap, with its map entry, in bytes: measured 170 for
   * 5,000 edges with one call a second and about 250 for 1,000 edges whose 10-second statistics hold
   * ten latencies (heap after GC over the statistics held), so the larger.
   */
  static final long CELL_BYTES = 250;

  static final long SECOND = 1_000_000L;
  static final long MINUTE = 60 * SECOND;

  private final Clock clock;
  private final Settings settings;
  private final MinuteRollups minutes;
  private final TimeRing live;
  private final TimeRing recent;
  /** The last call of each edge still within the fade-out; a node's is its edges' latest. */
  private final Map<EdgeKey, Long> edgeLastSeen = new HashMap<>();
  private final EdgeNaming naming;
  /** How far back endpoints are kept, at 10-second resolution. */
  public static final int ENDPOINT_WINDOW_SECONDS = 900;
  /** Endpoints told apart per edge in a 10-second bucket; the rest are summed as "other". */
  public static final int MAX_ENDPOINTS_PER_EDGE = 20;
  /** Endpoint statistics held at most (about 250 bytes each). */
  public static final long MAX_ENDPOINT_CELLS = 200_000;
  private final EndpointRing endpoints = new EndpointRing(ENDPOINT_WINDOW_SECONDS,
      MAX_ENDPOINTS_PER_EDGE, MAX_ENDPOINT_CELLS);
  /**
   * How long after its end a second settles: then its 1-second bucket is merged, once, into the
   * 10-second ring, the minute and the running sum of the live graph, instead of every call or
   * summary going to each of them. Agents ship a second half a second after its end; a batch later
   * than this still counts, merged into every tier at once.
   */
  static final long SETTLE = 3 * SECOND;
  /** The live graph's default window, kept as a running sum ({@link WindowSum}). */
  static final int RUNNING_WINDOW_SECONDS = 60;
  /** Live graphs read from the running sum (the others summed their buckets anew). */
  private long runningQueries;
  /** Seconds before this have settled (see {@link #SETTLE}). */
  private long settledUpTo = Long.MIN_VALUE;
  /** The running sum of the live graph's window; null when the live ring is too short for it. */
  private final WindowSum running;
  private final long maxCells;
  private long cells;
  private long bucketsEvicted;
  private long late;
  private long added;

  /**
   * @param history where complete minutes go and older graphs come from; null to keep none
   */
  public GraphAggregator(Clock clock, Settings settings, RollupHistory history) {
    this.clock = clock;
    this.settings = settings;
    this.minutes = new MinuteRollups(history);
    this.live = new TimeRing(SECOND, (int) settings.liveWindow().toSeconds());
    this.recent = new TimeRing(10 * SECOND, (int) (settings.recentWindow().toSeconds() / 10));
    this.naming = new EdgeNaming(settings.maxServices(), settings.maxEdges(),
        settings.maxContainersPerService(), settings.maxContainers());
    this.maxCells = Math.max(1, settings.maxBytes() / CELL_BYTES);
    // The sum's oldest bucket must still be in the ring when it leaves the window.
    this.running = settings.liveWindow().toSeconds()
        >= RUNNING_WINDOW_SECONDS + 2 * SETTLE / SECOND + 10
        ? new WindowSum(SECOND, RUNNING_WINDOW_SECONDS) : null;
  }

  /** A live window of {@code buckets} seconds and the default recent window, no history. */
  public GraphAggregator(Clock clock, Duration width, int buckets) {
    this(clock, new Settings(width.multipliedBy(buckets), Settings.DEFAULT.recentWindow(),
        Settings.DEFAULT.fadeAfter(), Settings.DEFAULT.minuteGrace()), null);
  }

  public void add(Transaction t) {
    addAll(List.of(t));
  }

  /**
   * Counts calls into every tier that still covers their time, as of the clock's now. A call that
   * ends after now (an agent's clock a little ahead: the ingest refuses what is far ahead) is counted
   * at now, so that it takes no bucket of the future, which the ring would have to evict the past for.
   * Names past the limits are counted under {@value #OTHER}.
   */
  public void addAll(List<Transaction> transactions) {
    if (transactions.isEmpty()) {
      return;
    }
    long now = micros(clock.instant());
    synchronized (this) {
      for (Transaction t : transactions) {
        addAt(t, now);
      }
    }
  }

  private void addAt(Transaction t, long now) {
    Instant at = t.end() != null ? t.end() : t.start();
    if (at == null) {
      return;
    }
    long micros = Math.min(micros(at), now);
    EdgeNaming.Named named = naming.name(t, micros);
    place(micros, now, named, Endpoints.of(t), t, null);
    added++;
  }

  /**
   * Calls an agent summed (wire version 2), named and with their time put right by the ingest.
   *
   * @param micros when, in microseconds since the epoch (the summary's interval)
   * @param client the client's service, or {@value EndpointNames#INTERNET}
   * @param server the server's service, or its external name
   * @param external whether the server is no known service
   * @param serverContainer the serving container, or null
   * @param endpoint the calls' endpoint ({@link Endpoints}); for a summary, null when it is summed
   *     per endpoint apart ({@link #addEndpoints})
   * @param stats the calls' statistics, merged as they are
   */
  public record Calls(long micros, String client, String server, boolean external,
      Protocol protocol, String serverContainer, String endpoint, CallStats stats) {}

  /**
   * Merges summaries of calls into every tier that still covers their time, as {@link #addAll}
   * counts calls: the cost follows the summaries, not the calls they stand for.
   */
  public void addSummaries(List<Calls> summaries) {
    if (summaries.isEmpty()) {
      return;
    }
    long now = micros(clock.instant());
    synchronized (this) {
      for (Calls c : summaries) {
        long micros = Math.min(c.micros(), now);
        EdgeNaming.Named named = naming.name(c.client(), c.server(), c.external(), c.protocol(),
            c.serverContainer(), micros);
        place(micros, now, named, c.endpoint(), null, c.stats());
        added += c.stats().count();
      }
    }
  }

  /**
   * Merges an agent's endpoint summaries (the calls of {@link #addSummaries} again, per endpoint
   * over 10 seconds) into the endpoint tables only: the graph counted them already.
   */
  public void addEndpoints(List<Calls> summaries) {
    if (summaries.isEmpty()) {
      return;
    }
    long now = micros(clock.instant());
    synchronized (this) {
      for (Calls c : summaries) {
        long micros = Math.min(c.micros(), now);
        EdgeNaming.Named named = naming.name(c.client(), c.server(), c.external(), c.protocol(),
            c.serverContainer(), micros);
        endpoints.add(micros, now, named.edge(), c.endpoint() == null ? Endpoints.UNKNOWN
            : c.endpoint(), null, c.stats());
      }
    }
  }

  /**
   * Counts {@code t}, or else merges {@code calls}, into the 1-second ring; a second that has
   * settled already (a late batch), or that the ring no longer keeps, goes to the coarser tiers at
   * once.
   */
  private void place(long micros, long now, EdgeNaming.Named named, String endpoint,
      Transaction t, CallStats calls) {
    settle(now);
    EdgeKey edge = named.edge();
    NodeKey node = named.node();
    long placed = t != null ? live.add(micros, now, edge, node, t)
        : live.add(micros, now, edge, node, calls);
    if (placed == TimeRing.NOT_PLACED) {
      late++;
    } else {
      cells += placed;
    }
    if (placed == TimeRing.NOT_PLACED || micros < settledUpTo) {
      CallStats settled = calls;
      if (t != null) {
        settled = new CallStats();
        settled.add(t);
      }
      placed = recent.add(micros, now, edge, node, settled);
      if (placed != TimeRing.NOT_PLACED) {
        cells += placed;
      }
      minutes.add(micros, edge, node, settled);
      if (running != null) {
        running.addLate(micros, edge, node, settled);
      }
    }
    if (cells > maxCells) {
      reclaim(now);
    }
    edgeLastSeen.merge(edge, micros, Math::max);
    if (endpoint != null) {
      endpoints.add(micros, now, edge, endpoint, t, calls);
    }
  }

  /** Settles the seconds that ended {@link #SETTLE} or more before {@code now}. */
  private void settle(long now) {
    long upTo = Math.floorDiv(now, SECOND) * SECOND - SETTLE;
    if (upTo > settledUpTo) {
      settle(upTo, now);
    }
  }

  /**
   * Merges the 1-second buckets of the seconds before {@code upTo} that have not settled yet into
   * the 10-second ring, the minutes and the running sum, oldest first.
   */
  private void settle(long upTo, long now) {
    List<Bucket> due = new ArrayList<>();
    for (Bucket b : live.ring) {
      if (b.start != Long.MIN_VALUE && b.start >= settledUpTo && b.start < upTo) {
        due.add(b);
      }
    }
    due.sort(java.util.Comparator.comparingLong(b -> b.start));
    for (Bucket b : due) {
      long placed = recent.merge(b.start, now, b);
      if (placed != TimeRing.NOT_PLACED) {
        cells += placed;
      }
      minutes.merge(b.start, b);
    }
    settledUpTo = upTo;
    if (running != null) {
      running.advance(upTo, live);
    }
    if (cells > maxCells) {
      reclaim(now);
    }
  }

  /**
   * The 1-second buckets not settled yet within the buckets of {@code resolution} that overlap
   * {@code [from, to)}: what a coarser tier's buckets of that range will hold once they settle.
   */
  private void collectUnsettled(long from, long to, long resolution,
      java.util.function.Consumer<Bucket> into) {
    long first = Math.floorDiv(from, resolution) * resolution;
    long end = Math.floorDiv(to - 1, resolution) * resolution + resolution;
    for (Bucket b : live.ring) {
      if (b.start != Long.MIN_VALUE && b.start >= settledUpTo && b.start >= first
          && b.start < end) {
        into.accept(b);
      }
    }
  }

  /**
   * The calls of one endpoint over a range.
   *
   * @param client the calling service, or null when summed over every client of the server
   */
  public record EndpointCalls(String client, String server, Protocol protocol, String endpoint,
      CallStats stats) {}

  /**
   * The endpoints of the server's edges (of one client's edge, when {@code client} is given; of one
   * protocol, when given) over {@code [from, to)}, at 10-second resolution within the last
   * {@value #ENDPOINT_WINDOW_SECONDS} seconds (older buckets are not kept), by calls, the most
   * first. Summed over the clients when {@code client} is null.
   */
  public List<EndpointCalls> endpoints(String client, String server, Protocol protocol,
      Instant from, Instant to) {
    long fromMicros = micros(from);
    long toMicros = micros(to);
    Map<EdgeKey, Map<String, CallStats.Summer>> sums = new HashMap<>();
    synchronized (this) {
      endpoints.collect(fromMicros, toMicros, micros(clock.instant()),
          e -> e.server().equals(server)
          && (client == null || e.client().equals(client))
          && (protocol == null || e.protocol() == protocol), sums);
    }
    Map<List<Object>, CallStats> merged = new HashMap<>();
    sums.forEach((edge, byName) -> byName.forEach((name, summer) -> {
      List<Object> key = List.of(client == null ? "" : edge.client(), edge.protocol(), name);
      merged.merge(key, summer.take(), GraphAggregator::sum);
    }));
    List<EndpointCalls> out = new ArrayList<>(merged.size());
    merged.forEach((k, v) -> out.add(new EndpointCalls(client == null ? null : (String) k.get(0),
        server, (Protocol) k.get(1), (String) k.get(2), v)));
    out.sort(java.util.Comparator.comparingLong((EndpointCalls e) -> e.stats().count())
        .reversed().thenComparing(EndpointCalls::endpoint));
    return out;
  }

  /** Where the endpoints' buckets start as of now: older ranges have no endpoints. */
  public Instant endpointsFrom() {
    return instant(endpoints.coveredFrom(micros(clock.instant())));
  }

  /** Endpoint statistics held, and calls whose endpoint could not be kept (memory budget). */
  public synchronized long[] endpointCounters() {
    return new long[] {endpoints.cells(), endpoints.overflowed()};
  }

  /**
   * Keeps the rings within {@code maxBytes}: empties the oldest 10-second buckets first (older
   * ranges then come from the stored minutes), then settled 1-second buckets older than the live
   * graph's running window; the last minute at 1-second resolution, what the stream and the
   * notices read, is never given up.
   */
  private void reclaim(long now) {
    while (cells > maxCells) {
      long freed = recent.evictOldest(Math.floorDiv(now, recent.width) * recent.width);
      if (freed < 0) {
        long evicted = live.evictOldest(now - MINUTE - 2 * SETTLE - 10 * SECOND);
        if (evicted >= 0 && running != null) {
          running.evicted(live);
        }
        freed = evicted;
      }
      if (freed < 0) {
        return;
      }
      cells -= freed;
      bucketsEvicted++;
    }
  }

  /**
   * Stores the minutes that are complete, and forgets the edges and nodes that have faded out.
   * Called about once a second.
   */
  public synchronized void tick() {
    long now = micros(clock.instant());
    settle(now);
    long grace = settings.minuteGrace().toNanos() / 1000;
    minutes.storeComplete(now, grace);
    long fade = now - settings.fadeAfter().toNanos() / 1000;
    edgeLastSeen.values().removeIf(seen -> seen < fade);
    // Names are forgotten once no ring holds them any more: then new ones may take their places.
    long forget = now - (settings.recentWindow().toNanos() + settings.fadeAfter().toNanos()) / 1000;
    naming.expire(forget);
  }

  /** Hands every pending minute to the history now (at shutdown, and in tests). */
  public synchronized void storePending() {
    long now = micros(clock.instant());
    settle(Math.floorDiv(now, SECOND) * SECOND + SECOND, now);
    minutes.storeAll();
  }

  /** The live graph: the last {@code window} up to now, with the elements still fading out. */
  public Graph graph(Duration window) {
    Instant to = clock.instant();
    Map<EdgeKey, Long> seen;
    synchronized (this) {
      seen = new HashMap<>(edgeLastSeen);
    }
    return range(to.minus(window), to.plusNanos(1000), to, // up to now, inclusive
        new GraphBuilder.LastSeen(seen, micros(to) - settings.fadeAfter().toNanos() / 1000));
  }

  /**
   * The graph of the calls that ended in {@code [from, to)}: to the second within the live window,
   * to 10 seconds within the recent window, to the minute beyond (from the history).
   */
  public Graph graph(Instant from, Instant to) {
    return range(from, to, to, null);
  }

  /** @param seen for the live graph: last calls and fading elements; null for other ranges */
  private Graph range(Instant from, Instant to, Instant reportedTo,
      GraphBuilder.LastSeen seen) {
    long fromMicros = micros(from);
    long toMicros = micros(to);
    RangeSum operands = new RangeSum();
    CallStats.Summer summer = new CallStats.Summer();
    Map<EdgeKey, CallStats> edges;
    Map<NodeKey, CallStats> nodes;
    boolean fromHistory = false;
    synchronized (this) { // the buckets' statistics change with every call added
      TimeRing tier = tierCovering(fromMicros);
      if (tier == live) {
        if (running != null && running.collect(fromMicros, toMicros, live, operands)) {
          runningQueries++;
        } else {
          live.collect(fromMicros, toMicros, operands);
        }
      } else if (tier != null) {
        tier.collect(fromMicros, toMicros, operands);
        collectUnsettled(fromMicros, toMicros, tier.width, operands::add);
      } else {
        long firstMinute = Math.floorDiv(fromMicros, MINUTE) * MINUTE;
        minutes.pending().subMap(firstMinute, true, toMicros, false).values()
            .forEach(operands::add);
        collectUnsettled(fromMicros, toMicros, MINUTE, operands::add);
        fromHistory = minutes.history() != null;
      }
      edges = operands.edgeSums(summer);
      nodes = operands.nodeSums(summer);
    }
    if (fromHistory) { // outside the lock: the history may be a remote store
      long firstMinute = Math.floorDiv(fromMicros, MINUTE) * MINUTE;
      RangeSum stored = new RangeSum();
      for (Rollup r : minutes.history().rollups(instant(firstMinute), to)) {
        for (Rollup.EdgeStats e : r.edges()) {
          stored.edges.computeIfAbsent(new EdgeKey(e.client(), e.server(),
              Protocol.fromWireName(e.protocol()), e.external()), x -> new ArrayList<>())
              .add(e.stats());
        }
        for (Rollup.NodeStats n : r.nodes()) {
          stored.nodes.computeIfAbsent(new NodeKey(n.service(), n.container()),
              x -> new ArrayList<>()).add(n.stats());
        }
      }
      RangeSum.sum(stored.edges, summer).forEach((k, v) -> edges.merge(k, v, GraphAggregator::sum));
      RangeSum.sum(stored.nodes, summer).forEach((k, v) -> nodes.merge(k, v, GraphAggregator::sum));
    }
    return GraphBuilder.build(from, reportedTo, Duration.between(from, reportedTo).toNanos() / 1e9, edges,
        nodes, seen);
  }

  /**
   * One edge over {@code [from, to)} in at most {@code maxSteps} steps (see {@link EdgeSeries}); the
   * protocol may be null for all of the edge's protocols.
   */
  public EdgeSeries edgeSeries(String client, String server, Protocol protocol, Instant from,
      Instant to, int maxSteps) {
    long fromMicros = micros(from);
    long toMicros = micros(to);
    java.util.function.Predicate<EdgeKey> matches = k -> k.client().equals(client)
        && k.server().equals(server) && (protocol == null || k.protocol() == protocol);
    List<EdgeSeries.Sample> samples = new ArrayList<>();
    long resolution;
    boolean fromHistory = false;
    synchronized (this) {
      TimeRing tier = tierCovering(fromMicros);
      resolution = tier != null ? tier.width : MINUTE;
      java.util.function.BiConsumer<Long, Bucket> take = (start, b) -> b.edges.forEach((k, v) -> {
        if (matches.test(k) && start >= fromMicros - resolution && start < toMicros) {
          CallStats copy = new CallStats();
          copy.merge(v); // the bucket keeps changing; the copy does not
          samples.add(new EdgeSeries.Sample(start, copy));
        }
      });
      if (tier != null) {
        for (Bucket b : tier.ring) {
          if (b.start != Long.MIN_VALUE) {
            take.accept(b.start, b);
          }
        }
      } else {
        minutes.pending().forEach(take::accept);
        fromHistory = minutes.history() != null;
      }
      if (tier != live) { // seconds not merged into the coarser tier yet
        collectUnsettled(fromMicros - resolution, toMicros, resolution,
            b -> take.accept(b.start, b));
      }
    }
    if (fromHistory) {
      for (Rollup r : minutes.history().rollups(instant(Math.floorDiv(fromMicros, MINUTE)
          * MINUTE), to)) {
        for (Rollup.EdgeStats e : r.edges()) {
          if (e.client().equals(client) && e.server().equals(server)
              && (protocol == null || protocol.wireName().equals(e.protocol()))) {
            samples.add(new EdgeSeries.Sample(micros(r.start()), e.stats()));
          }
        }
      }
    }
    return EdgeSeries.of(samples, resolution, fromMicros, to, maxSteps);
  }

  /**
   * When the earliest transaction still kept in memory happened, to the second when it is within the
   * live window (else to 10 seconds, else to the minute); null before any.
   */
  public synchronized Instant earliest() {
    long now = micros(clock.instant());
    for (TimeRing tier : List.of(live, recent)) {
      long earliest = Long.MAX_VALUE;
      for (Bucket b : tier.ring) {
        if (b.start != Long.MIN_VALUE && !b.edges.isEmpty()) {
          earliest = Math.min(earliest, b.start);
        }
      }
      // The ring's oldest bucket may have lost older ones: only a start after it is the real one.
      if (earliest != Long.MAX_VALUE && tier.covers(earliest - tier.width, now)) {
        return instant(earliest);
      }
    }
    return minutes.pending().isEmpty() ? null : instant(minutes.pending().firstKey());
  }

  /** The finest ring that still keeps a range starting at {@code fromMicros}; null: the minutes. */
  private TimeRing tierCovering(long fromMicros) {
    long now = micros(clock.instant());
    return live.covers(fromMicros, now) ? live : recent.covers(fromMicros, now) ? recent : null;
  }

  private static CallStats sum(CallStats a, CallStats b) {
    a.merge(b);
    return a;
  }

  static long micros(Instant at) {
    return at.getEpochSecond() * SECOND + at.getNano() / 1000;
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, SECOND),
        Math.floorMod(micros, SECOND) * 1000);
  }

  /**
   * What went past the limits since start, in calls: those of services beyond {@code maxServices},
   * on edges beyond {@code maxEdges}, of containers beyond {@code maxContainersPerService}; and the
   * limits themselves, with the distinct services and edges held now.
   */
  public record Overflow(long services, long edges, long containers, int maxServices, int maxEdges,
      int maxContainersPerService, int servicesHeld, int edgesHeld, long bucketsEvicted,
      long maxBytes, long bytesHeld) {
    public boolean any() {
      return services > 0 || edges > 0 || containers > 0 || bucketsEvicted > 0;
    }
  }

  public synchronized Overflow overflow() {
    return new Overflow(naming.servicesOverflowed(), naming.edgesOverflowed(),
        naming.containersOverflowed(), settings.maxServices(), settings.maxEdges(),
        settings.maxContainersPerService(), naming.servicesHeld(), naming.edgesHeld(),
        bucketsEvicted, settings.maxBytes(), cells * CELL_BYTES);
  }

  /** Live graphs read from the running sum, and how often it started over (for tests). */
  synchronized long[] runningCounters() {
    return new long[] {runningQueries, running == null ? 0 : running.restarts()};
  }

  /** Transactions that arrived too late for the live buckets. */
  public synchronized long late() {
    return late;
  }

  public synchronized long added() {
    return added;
  }

  /** Minutes (and supplements) handed to the history. */
  public synchronized long minutesStored() {
    return minutes.stored();
  }

  /** Edges seen within the fade-out time (those the live graph shows). */
  public synchronized int liveEdges() {
    return edgeLastSeen.size();
  }

  public Settings settings() {
    return settings;
  }
}
