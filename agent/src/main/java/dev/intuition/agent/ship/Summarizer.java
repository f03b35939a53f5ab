package dev.intuition.agent.ship;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.endpoint.Endpoints;
import dev.intuition.wire.Sample;
import dev.intuition.wire.Summary;
import dev.intuition.wire.stats.CallStats;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The agent's aggregation (wire version 2, DESIGN.md "The data path at scale"): every decoded call
 * is counted into the summary of its second and edge (client container and service, server
 * container and service, protocol, observing side), into the endpoint summary of its
 * {@value #ENDPOINT_SECONDS}-second interval, edge and endpoint, and a fair sample of the calls is
 * kept as they were, each with its weight. Past the agent nothing then costs per call.
 *
 * <p><b>Summaries.</b> Counts per outcome, bytes each way and the mergeable latency histogram, so
 * that every percentile the server shows is an exact merge. A call is placed by its end (its start
 * when it never got an answer). A second (an endpoint interval) is handed over once it ended
 * {@code grace} ago ({@link #drain}); a call for one already handed over starts a new summary of it,
 * which the server adds to the first. Endpoints are summed apart, over longer intervals, because a
 * summary per second and endpoint would carry a few calls each on a busy cluster (the server would
 * pay per call again), and the server keeps endpoints at 10-second resolution anyway. Bounds: at
 * most {@code maxEndpointsPerEdge} endpoints per edge and interval (the rest are summed as
 * {@value Summary#OTHER_ENDPOINT}), and at most {@code maxKeys} summaries and endpoint summaries
 * waiting in all (while the server is away, say); a call past them is dropped and counted.
 *
 * <p><b>Samples.</b> Per edge (client and server container, protocol) and second, stratified: the
 * errors and warnings, a uniform reservoir of {@code errorBudget} of them; the {@code slowest}
 * slowest of the other calls; a uniform reservoir of {@code okBudget} of the rest. A kept call's
 * weight is the calls of its stratum divided by those kept (the slowest weigh 1), so the weights of
 * an edge's samples add up to its calls. Fairness: each container (the side whose network namespace
 * saw the call) may ship at most {@code containerBudget} samples per second; past it its samples are
 * thinned (the rest first, then the slowest, errors last), the weights of what stays raised so that
 * they still add up, and what was left out is counted for that container. One noisy container
 * therefore cannot take another's share of the sample or of the batches. The whole agent is held
 * to its share of the cluster's sample budget, which the server tells it in its answers
 * ({@link #shareOfCluster}): past it, the containers' allowances are lowered from the largest down
 * (max-min fairness), and each container is thinned as above.
 *
 * <p>Thread-safe: capture threads {@link #add}, the shipping thread {@link #drain}s.
 */
public final class Summarizer {
  /**
   * @param grace how long after its end a second waits for its late calls
   * @param maxKeys summaries waiting at most (all seconds together)
   * @param maxEndpointsPerEdge endpoints per edge and second; the rest are summed as
   *     {@value Summary#OTHER_ENDPOINT}
   * @param errorBudget errors and warnings kept per edge and second
   * @param slowest the slowest other calls kept per edge and second
   * @param okBudget other calls kept per edge and second, uniformly
   * @param containerBudget samples one container may ship per second
   */
  public record Settings(java.time.Duration grace, int maxKeys, int maxEndpointsPerEdge,
      int errorBudget, int slowest, int okBudget, int containerBudget) {
    public static final Settings DEFAULT = new Settings(java.time.Duration.ofMillis(500), 50_000,
        50, 10, 3, 5, 100);

    public Settings {
      if (grace.isNegative() || maxKeys < 1 || maxEndpointsPerEdge < 1 || errorBudget < 0
          || slowest < 0 || okBudget < 0 || containerBudget < 0) {
        throw new IllegalArgumentException("the summarizer's limits must be positive and the"
            + " sample budgets not negative");
      }
    }
  }

  /** The length of an endpoint summary's interval, in seconds. */
  public static final int ENDPOINT_SECONDS = 10;
  /**
   * Endpoint intervals go out up to this long after their grace, at a moment each agent draws at
   * start: the intervals of all agents end together, their batches then spread over these seconds.
   */
  static final long ENDPOINT_SPREAD_MILLIS = 5_000;
  private final long endpointPhase;

  /** What {@link #drain} hands over: the endpoint summaries count the summaries' calls again. */
  public record Drained(List<Summary> summaries, List<Summary> endpoints, List<Sample> samples) {
    public long calls() {
      long n = 0;
      for (Summary s : summaries) {
        n += s.stats().count();
      }
      return n;
    }
  }

  /** The key of a summary within its second. */
  private record Key(Protocol protocol, String observedAt, String clientIp,
      String clientContainer, String clientService, String serverIp, String serverContainer,
      String serverService, String host, String endpoint) {}

  /** An edge as the sample sees it: per container pair and protocol. */
  private record Edge(Protocol protocol, String client, String server) {}

  private static final class Sums {
    final CallStats stats = new CallStats();
    long gaps;
    long unmatched;
  }

  /**
   * Unnamed callers (no container, no service: outside callers, or containers of hosts the agent
   * does not know) told apart by address per server and second; the calls of further ones are
   * summed with no client address, which the server shows as INTERNET. Without it an
   * internet-facing service would make one summary per caller address.
   */
  static final int MAX_UNNAMED_CLIENTS = 16;

  /** The calls of one second. */
  private static final class Second {
    final Map<Key, Sums> sums = new HashMap<>();
    final Map<String, java.util.Set<String>> unnamedClients = new HashMap<>();
    final Map<Edge, EdgeSample> samples = new HashMap<>();
  }

  /** The calls of one endpoint interval, per edge and endpoint. */
  private static final class Window {
    final Map<Key, Sums> sums = new HashMap<>();
    final Map<Key, Integer> endpoints = new HashMap<>();
  }

  private final Settings settings;
  private final Clock clock;
  private final SplittableRandom random;
  private final TreeMap<Long, Second> seconds = new TreeMap<>();
  private final TreeMap<Long, Window> windows = new TreeMap<>();
  private int keys;
  private long dropped;
  private long added;
  private final Map<String, Long> leftOut = new HashMap<>();
  /** What the server's answers said this agent's share of the cluster's sample budget is. */
  private double shareOfCluster;
  /** Samples the agent may still ship under that share (a token bucket). */
  private double tokens;
  /** The agent may ship up to this many seconds of its share at once. */
  static final int SHARE_BURST_SECONDS = 5;
  private final ClusterNames names;
  private long monitoredElsewhere;
  /** Calls counted in their edge's summary but in no endpoint summary (past maxKeys). */
  private long endpointsDropped;

  public Summarizer(Settings settings, Clock clock, SplittableRandom random) {
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.names = new ClusterNames(clock);
    this.endpointPhase = random.nextLong(ENDPOINT_SPREAD_MILLIS);
  }

  /** What the server told of the addresses this agent could not name. */
  public ClusterNames names() {
    return names;
  }

  /**
   * Calls seen from the client side whose server another agent captures: left out, since that agent
   * reports them from the server side (the server would drop them).
   */
  public synchronized long monitoredElsewhere() {
    return monitoredElsewhere;
  }

  /** Counts a call into its second's summary and offers it to the sample. */
  public synchronized void add(Transaction t) {
    java.time.Instant at = t.end() != null ? t.end() : t.start();
    if (at == null || t.protocol() == null || t.outcome() == null || t.server() == null) {
      dropped++;
      return;
    }
    // Names the server told for what this agent could not name (see ClusterNames).
    String clientService = t.clientService();
    String clientContainer = t.clientContainer();
    String serverService = t.serverService();
    String serverContainer = t.serverContainer();
    if (clientService == null && t.client() != null) {
      dev.intuition.wire.AddressName n = names.get(t.client().ip());
      if (n != null) {
        clientService = n.service();
        clientContainer = n.container();
      }
    }
    dev.intuition.wire.AddressName server = names.get(t.server().ip());
    if (server != null) {
      if ("client".equals(t.observedAt()) && server.monitored()) {
        monitoredElsewhere++;
        return;
      }
      if (serverService == null) {
        serverService = server.service();
        serverContainer = server.container();
      }
    }
    long second = at.getEpochSecond();
    Second s = seconds.computeIfAbsent(second, k -> new Second());
    Edge edge = new Edge(t.protocol(), side(clientContainer, t.client()),
        side(serverContainer, t.server()));
    String clientIp = clientService != null && t.clientService() == null ? null
        : clientIp(s, t);
    Key key = new Key(t.protocol(), t.observedAt(), clientIp, clientContainer, clientService,
        t.server().ip(), serverContainer, serverService,
        t.protocol() == Protocol.HTTP && serverService == null ? t.host() : null, null);
    Sums sums = s.sums.get(key);
    if (sums == null) {
      if (keys >= settings.maxKeys()) {
        dropped++;
        return;
      }
      s.sums.put(key, sums = new Sums());
      keys++;
    }
    count(sums, t);
    Sums perEndpoint = endpointSums(key, Endpoints.of(t),
        Math.floorDiv(second, ENDPOINT_SECONDS) * ENDPOINT_SECONDS);
    if (perEndpoint != null) {
      count(perEndpoint, t);
    }
    s.samples.computeIfAbsent(edge, e -> new EdgeSample(settings, random)).offer(t);
    added++;
  }

  private static void count(Sums sums, Transaction t) {
    sums.stats.add(t);
    for (String note : t.notes()) {
      if (note.startsWith("packet loss")) {
        sums.gaps++;
        break;
      }
    }
    if (t.start() == null || t.end() == null) {
      sums.unmatched++;
    }
  }

  /**
   * The endpoint summary of an edge's call in the interval starting at {@code window}: its own, or
   * {@value Summary#OTHER_ENDPOINT} once the edge has its limit of endpoints there; null past
   * {@code maxKeys} (the edge's summary counted the call).
   */
  private Sums endpointSums(Key edge, String endpoint, long window) {
    Window w = windows.computeIfAbsent(window, k -> new Window());
    Key key = new Key(edge.protocol(), edge.observedAt(), edge.clientIp(), edge.clientContainer(),
        edge.clientService(), edge.serverIp(), edge.serverContainer(), edge.serverService(),
        edge.host(), endpoint);
    Sums sums = w.sums.get(key);
    if (sums != null) {
      return sums;
    }
    int held = w.endpoints.getOrDefault(edge, 0);
    if (held >= settings.maxEndpointsPerEdge()) {
      key = new Key(key.protocol(), key.observedAt(), key.clientIp(), key.clientContainer(),
          key.clientService(), key.serverIp(), key.serverContainer(), key.serverService(),
          key.host(), Summary.OTHER_ENDPOINT);
      sums = w.sums.get(key);
      if (sums != null) {
        return sums;
      }
    }
    if (keys >= settings.maxKeys()) {
      endpointsDropped++;
      return null;
    }
    w.sums.put(key, sums = new Sums());
    keys++;
    if (!key.endpoint().equals(Summary.OTHER_ENDPOINT)) {
      w.endpoints.merge(edge, 1, Integer::sum);
    }
    return sums;
  }

  /** The client's address as the summary keeps it: see {@link #MAX_UNNAMED_CLIENTS}. */
  private static String clientIp(Second s, Transaction t) {
    String ip = t.client() == null ? null : t.client().ip();
    if (ip == null || t.clientContainer() != null || t.clientService() != null) {
      return ip;
    }
    java.util.Set<String> seen = s.unnamedClients.computeIfAbsent(
        t.server().ip() + '|' + t.serverContainer(), k -> new java.util.HashSet<>());
    if (seen.contains(ip)) {
      return ip;
    }
    if (seen.size() >= MAX_UNNAMED_CLIENTS) {
      return null;
    }
    seen.add(ip);
    return ip;
  }

  private static String side(String container, dev.intuition.decoder.Endpoint e) {
    return container != null ? container : e == null ? null : e.ip();
  }

  /**
   * Hands over the seconds and endpoint intervals that ended {@code grace} or more ago (all of them
   * when {@code all}).
   */
  public Drained drain(boolean all) {
    long now = clock.millis();
    long grace = settings.grace().toMillis();
    List<Map.Entry<Long, Second>> ready = new ArrayList<>();
    List<Map.Entry<Long, Window>> readyWindows = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<Long, Second>> it = seconds.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Long, Second> e = it.next();
        if (!all && (e.getKey() + 1) * 1000 + grace > now) {
          break;
        }
        ready.add(e);
        keys -= e.getValue().sums.size();
        it.remove();
      }
      Iterator<Map.Entry<Long, Window>> wt = windows.entrySet().iterator();
      while (wt.hasNext()) {
        Map.Entry<Long, Window> e = wt.next();
        if (!all && (e.getKey() + ENDPOINT_SECONDS) * 1000 + grace + endpointPhase > now) {
          break;
        }
        readyWindows.add(e);
        keys -= e.getValue().sums.size();
        wt.remove();
      }
    }
    List<Summary> summaries = new ArrayList<>();
    List<Sample> samples = new ArrayList<>();
    for (Map.Entry<Long, Second> e : ready) {
      long second = e.getKey();
      e.getValue().sums.forEach((k, v) -> summaries.add(summary(second, 1, k, v)));
      samples.addAll(fair(e.getValue().samples));
    }
    List<Summary> endpoints = new ArrayList<>();
    for (Map.Entry<Long, Window> e : readyWindows) {
      long start = e.getKey();
      e.getValue().sums.forEach((k, v) -> endpoints.add(summary(start, ENDPOINT_SECONDS, k, v)));
    }
    return new Drained(summaries, endpoints, samples);
  }

  private static Summary summary(long start, int length, Key k, Sums v) {
    return new Summary(start, length, k.protocol(), k.observedAt(),
        new Summary.Side(k.clientIp(), k.clientContainer(), k.clientService()),
        new Summary.Side(k.serverIp(), k.serverContainer(), k.serverService()), k.host(),
        k.endpoint(), v.stats, v.gaps, v.unmatched);
  }

  /**
   * The second's samples with each container held to its budget, and the agent to its share of the
   * cluster's budget ({@link #shareOfCluster}).
   */
  private List<Sample> fair(Map<Edge, EdgeSample> edges) {
    Map<String, List<Stratum>> byContainer = new HashMap<>();
    for (EdgeSample s : edges.values()) {
      for (Stratum st : s.strata()) {
        if (!st.kept.isEmpty()) {
          byContainer.computeIfAbsent(st.observer, k -> new ArrayList<>()).add(st);
        }
      }
    }
    Map<String, Integer> allowance = new HashMap<>();
    int total = 0;
    for (Map.Entry<String, List<Stratum>> c : byContainer.entrySet()) {
      int kept = Math.min(kept(c.getValue()), settings.containerBudget());
      allowance.put(c.getKey(), kept);
      total += kept;
    }
    int limit = agentLimit(total);
    if (total > limit) {
      shareOut(byContainer, allowance, limit);
    }
    List<Sample> out = new ArrayList<>();
    int shipped = 0;
    for (Map.Entry<String, List<Stratum>> c : byContainer.entrySet()) {
      List<Stratum> strata = c.getValue();
      int over = kept(strata) - allowance.get(c.getKey());
      if (over > 0) {
        synchronized (this) {
          leftOut.merge(c.getKey(), (long) over, Long::sum);
          if (leftOut.size() > 10_000) {
            leftOut.clear(); // bounded: the counts restart rather than grow
          }
        }
        thin(strata, over);
      }
      for (Stratum st : strata) {
        if (st.kept.isEmpty()) {
          continue;
        }
        double weight = Math.max(1, (double) st.seen / st.kept.size());
        for (Transaction t : st.kept) {
          out.add(new Sample(t, weight));
        }
        shipped += st.kept.size();
      }
    }
    synchronized (this) {
      tokens -= shipped;
    }
    return out;
  }

  private static int kept(List<Stratum> strata) {
    int n = 0;
    for (Stratum st : strata) {
      n += st.kept.size();
    }
    return n;
  }

  /**
   * What the agent may ship this second under its share of the cluster's budget: a token bucket
   * refilled by the share each second, holding at most {@value #SHARE_BURST_SECONDS} seconds of it.
   */
  private synchronized int agentLimit(int wanted) {
    if (!(shareOfCluster > 0) || Double.isInfinite(shareOfCluster)) {
      return wanted;
    }
    tokens = Math.min(Math.max(1, shareOfCluster * SHARE_BURST_SECONDS), tokens + shareOfCluster);
    return (int) Math.max(0, Math.floor(tokens));
  }

  /**
   * Lowers the containers' allowances until they add up to {@code limit}, fairly: one at a time,
   * always from the container allowed most (max-min fairness), so a quiet container keeps its few
   * samples while a noisy one gives up its many; among equals, those without errors give first.
   */
  private void shareOut(Map<String, List<Stratum>> byContainer, Map<String, Integer> allowance,
      int limit) {
    int total = 0;
    for (int a : allowance.values()) {
      total += a;
    }
    List<String> order = new ArrayList<>(allowance.keySet());
    java.util.Collections.shuffle(order, new java.util.Random(random.nextLong()));
    order.sort(java.util.Comparator.comparing(c -> hasErrors(byContainer.get(c))));
    while (total > limit) {
      String most = null;
      for (String c : order) {
        if (most == null || allowance.get(c) > allowance.get(most)) {
          most = c;
        }
      }
      allowance.merge(most, -1, Integer::sum);
      total--;
    }
  }

  private static boolean hasErrors(List<Stratum> strata) {
    for (Stratum st : strata) {
      if (st.priority == 2 && !st.kept.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Leaves out {@code over} kept calls: the lowest priority first, its largest stratum first. */
  private void thin(List<Stratum> strata, int over) {
    while (over > 0) {
      Stratum victim = null;
      for (Stratum st : strata) {
        if (!st.kept.isEmpty() && (victim == null || st.priority < victim.priority
            || (st.priority == victim.priority && st.kept.size() > victim.kept.size()))) {
          victim = st;
        }
      }
      if (victim == null) {
        return;
      }
      victim.kept.remove(random.nextInt(victim.kept.size()));
      over--;
    }
  }

  /**
   * The agent's share of the cluster's sample budget, samples a second, as the server's answers
   * tell it; 0 or infinite for none (only the per-container budget then).
   */
  public synchronized void shareOfCluster(double samplesPerSecond) {
    shareOfCluster = samplesPerSecond;
  }

  /** The share the server told last (0: none). */
  public synchronized double shareOfCluster() {
    return shareOfCluster;
  }

  /** Calls that could not be counted: no time, or past {@code maxKeys}. */
  public synchronized long dropped() {
    return dropped;
  }

  /** Calls counted so far. */
  public synchronized long added() {
    return added;
  }

  /** Calls waiting in seconds not handed over yet. */
  public synchronized long pending() {
    long n = 0;
    for (Second s : seconds.values()) {
      for (Sums v : s.sums.values()) {
        n += v.stats.count();
      }
    }
    return n;
  }

  /** Calls counted in their edge's summary but left out of the endpoint summaries (maxKeys). */
  public synchronized long endpointsDropped() {
    return endpointsDropped;
  }

  /** Summaries and endpoint summaries waiting. */
  public synchronized int keys() {
    return keys;
  }

  /**
   * Samples left out by the per-container budget, per container, since the start (the
   * {@value dev.intuition.wire.ShippingHealth#MAX_LEFT_OUT} containers that left out most).
   */
  public synchronized Map<String, Long> leftOut() {
    if (leftOut.size() <= dev.intuition.wire.ShippingHealth.MAX_LEFT_OUT) {
      return Map.copyOf(leftOut);
    }
    Map<String, Long> top = new java.util.LinkedHashMap<>();
    leftOut.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(dev.intuition.wire.ShippingHealth.MAX_LEFT_OUT)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  /** One stratum of an edge's sample in one second. */
  static final class Stratum {
    final int priority;
    final String observer;
    final List<Transaction> kept = new ArrayList<>();
    long seen;

    Stratum(int priority, String observer) {
      this.priority = priority;
      this.observer = observer;
    }
  }

  /** The sample of one edge in one second. */
  static final class EdgeSample {
    private final Settings settings;
    private final SplittableRandom random;
    private Stratum bad;
    private Stratum slow;
    private Stratum rest;
    private final PriorityQueue<Transaction> slowest = new PriorityQueue<>(
        (a, b) -> Long.compare(duration(a), duration(b)));
    private String observer;

    EdgeSample(Settings settings, SplittableRandom random) {
      this.settings = settings;
      this.random = random;
    }

    void offer(Transaction t) {
      if (observer == null) {
        observer = Objects.requireNonNullElse("client".equals(t.observedAt())
            ? t.clientContainer() : t.serverContainer(), "(host)");
        bad = new Stratum(2, observer);
        slow = new Stratum(1, observer);
        rest = new Stratum(0, observer);
      }
      if (t.outcome() != Outcome.OK) {
        reservoir(bad, t, settings.errorBudget());
        return;
      }
      if (settings.slowest() > 0) {
        slowest.add(t);
        if (slowest.size() <= settings.slowest()) {
          return;
        }
        t = slowest.poll(); // the quickest of them goes on to the rest
      }
      reservoir(rest, t, settings.okBudget());
    }

    private void reservoir(Stratum s, Transaction t, int budget) {
      s.seen++;
      if (budget == 0) {
        return;
      }
      if (s.kept.size() < budget) {
        s.kept.add(t);
      } else {
        long j = random.nextLong(s.seen);
        if (j < budget) {
          s.kept.set((int) j, t);
        }
      }
    }

    List<Stratum> strata() {
      if (observer == null) {
        return List.of();
      }
      slow.kept.clear();
      slow.kept.addAll(slowest);
      slow.seen = slowest.size();
      return List.of(bad, slow, rest);
    }

    private static long duration(Transaction t) {
      return t.durationMicros() == null ? Long.MAX_VALUE : t.durationMicros();
    }
  }
}
