package dev.intuition.core.notice;

import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.Notice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds what changed in the graph: a new edge, a new external dependency, a service gone, and an
 * edge whose error rate or p99 jumped against its baseline. {@link #check} compares the current window
 * (last minute) with the baseline (the ten minutes before it); conditions need {@code minCalls} calls
 * in the window (and in the baseline, for latency) so that a handful of calls raise nothing. During
 * the warm-up after start, every edge is new, so new edges raise no notice then. Other parts of the
 * server raise conditions of their own ({@link #condition}: an agent's clock, names past the limits).
 * The last {@code keep} notices of each type are kept, so that a flood of one type (a scan that makes
 * thousands of new edges) cannot push the others out; new edges are also limited to
 * {@link #MAX_NEW_EDGES_PER_CHECK} a check. Thread-safe.
 */
public final class NoticeDetector {
  /**
   * @param warmUp after start, during which new edges are the baseline, not news
   * @param showFor how long an event stays in the graph's notices
   * @param goneAfter a service that served calls and then none for this long is gone
   * @param minCalls calls needed in the window before a rate or latency condition is raised
   * @param errorRate the error rate (0-1) that raises a warning when it is also at least twice the
   *     baseline's plus 2 points; a quarter of calls failing is danger
   * @param latencyFactor the p99 over the baseline's p99 that raises a warning (if also 20 ms more)
   * @param keep notices kept per type
   */
  public record Settings(Duration warmUp, Duration showFor, Duration goneAfter, int minCalls,
      double errorRate, double latencyFactor, int keep) {
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(60),
        Duration.ofMinutes(5), Duration.ofMinutes(2), 20, 0.05, 2.0, 500);
  }

  private record EdgeId(String client, String server, String protocol) {}

  /** New-edge notices raised in one check at most; the rest are counted in one notice. */
  static final int MAX_NEW_EDGES_PER_CHECK = 20;
  /** Edges remembered as known, at most (then the oldest knowledge is dropped). */
  static final int MAX_KNOWN_EDGES = 100_000;

  private final Clock clock;
  private final Settings settings;
  private final Instant started;
  private final Set<EdgeId> knownEdges = java.util.Collections.newSetFromMap(
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<EdgeId, Boolean> eldest) {
          return size() > MAX_KNOWN_EDGES;
        }
      });
  private final Map<String, Instant> servingServices = new HashMap<>();
  private final Map<String, Notice> conditions = new HashMap<>();
  /** Every notice kept, by id (ids grow with time). */
  private final java.util.TreeMap<Long, Notice> history = new java.util.TreeMap<>();
  /** The ids kept per type, oldest first. */
  private final Map<String, java.util.ArrayDeque<Long>> byType = new HashMap<>();
  private long nextId = 1;

  public NoticeDetector(Clock clock, Settings settings) {
    this.clock = clock;
    this.settings = settings;
    this.started = clock.instant();
  }

  /**
   * @param window the live graph of the last minute (with fading elements)
   * @param baseline the graph of the ten minutes before it
   */
  public synchronized void check(Graph window, Graph baseline) {
    Instant now = clock.instant();
    boolean warm = !now.isBefore(started.plus(settings.warmUp()));
    Map<EdgeId, Graph.Edge> before = new HashMap<>();
    baseline.edges().forEach(e -> before.put(id(e), e));
    int newEdges = 0;
    int unsaid = 0;
    for (Graph.Edge e : window.edges()) {
      EdgeId id = id(e);
      if (e.calls().total() > 0 && knownEdges.add(id) && warm && !before.containsKey(id)) {
        if (++newEdges > MAX_NEW_EDGES_PER_CHECK) {
          unsaid++;
        } else if (e.external()) {
          raise(new Notice(0, "new-external-dependency", Notice.WARNING, "New external dependency: "
              + e.client() + " calls " + e.server() + " (" + e.protocol() + ")", null, e.client(),
              e.server(), e.protocol(), now, now, null, null));
        } else {
          raise(new Notice(0, "new-edge", Notice.INFO, "New call path: " + e.client() + " \u2192 "
              + e.server() + " (" + e.protocol() + ")", null, e.client(), e.server(),
              e.protocol(), now, now, null, null));
        }
      }
      errorRate(e, before.get(id), now);
      latency(e, before.get(id), now);
    }
    if (unsaid > 0) {
      raise(new Notice(0, "new-edge", Notice.INFO, String.format(Locale.ROOT,
          "%,d more new call paths", unsaid), null, null, null, null, now, now, (double) unsaid,
          null));
    }
    // Conditions on edges that left the window clear.
    Set<String> present = new HashSet<>();
    window.edges().forEach(e -> present.add(key("error-rate", id(e))));
    window.edges().forEach(e -> present.add(key("latency", id(e))));
    for (String k : new ArrayList<>(conditions.keySet())) {
      if ((k.startsWith("error-rate\u0000") || k.startsWith("latency\u0000"))
          && !present.contains(k)) {
        clear(k, now);
      }
    }
    for (Graph.Node n : window.nodes()) {
      if (Graph.SERVICE.equals(n.kind()) && n.served().total() > 0) {
        servingServices.put(n.name(), now);
      }
    }
    Instant goneBefore = now.minus(settings.goneAfter());
    servingServices.entrySet().removeIf(s -> {
      if (s.getValue().isBefore(goneBefore)) {
        raise(new Notice(0, "service-gone", Notice.WARNING, s.getKey() + " has served no calls for "
            + human(settings.goneAfter()), s.getKey(), null, null, null, now, now, null, null));
        return true;
      }
      return false;
    });
  }

  private void errorRate(Graph.Edge e, Graph.Edge base, Instant now) {
    String k = key("error-rate", id(e));
    long calls = e.calls().total();
    double rate = calls == 0 ? 0 : (double) e.calls().error() / calls;
    double baseRate = base == null || base.calls().total() == 0 ? 0
        : (double) base.calls().error() / base.calls().total();
    Notice active = conditions.get(k);
    boolean high = calls >= settings.minCalls() && rate >= settings.errorRate()
        && rate >= 2 * baseRate + 0.02;
    if (high) {
      int severity = rate >= 0.25 ? Notice.DANGER : Notice.WARNING;
      String title = String.format(Locale.ROOT, "%s \u2192 %s: %.0f%% of calls fail (baseline %.1f%%)",
          e.client(), e.server(), rate * 100, baseRate * 100);
      if (active == null) {
        Notice n = new Notice(0, "error-rate", severity, title, null, e.client(), e.server(),
            e.protocol(), now, null, rate, baseRate);
        conditions.put(k, raise(n));
      } else {
        replace(k, active.updated(severity, title, rate));
      }
    } else if (active != null && (calls < settings.minCalls() || rate < settings.errorRate() / 2
        || rate < 1.5 * baseRate + 0.01)) {
      clear(k, now);
    }
  }

  private void latency(Graph.Edge e, Graph.Edge base, Instant now) {
    String k = key("latency", id(e));
    Notice active = conditions.get(k);
    long p99 = e.calls().p99Micros();
    long baseP99 = base == null ? 0 : base.calls().p99Micros();
    boolean enough = e.calls().total() >= settings.minCalls() && base != null
        && base.calls().total() >= settings.minCalls() && baseP99 > 0;
    boolean high = enough && p99 >= settings.latencyFactor() * baseP99 && p99 - baseP99 >= 20_000;
    if (high) {
      String title = String.format(Locale.ROOT, "%s \u2192 %s: p99 %s (baseline %s)", e.client(),
          e.server(), millis(p99), millis(baseP99));
      int severity = p99 >= 4 * baseP99 ? Notice.DANGER : Notice.WARNING;
      if (active == null) {
        conditions.put(k, raise(new Notice(0, "latency", severity, title, null, e.client(),
            e.server(), e.protocol(), now, null, (double) p99, (double) baseP99)));
      } else {
        replace(k, active.updated(severity, title, p99));
      }
    } else if (active != null && (!enough || p99 < 1.5 * baseP99)) {
      clear(k, now);
    }
  }

  /**
   * Raises a condition of another part of the server under {@code key}, or updates it when it is
   * active already; it stays until {@link #clearCondition}.
   */
  public synchronized void condition(String key, String type, int severity, String title,
      double value) {
    Notice active = conditions.get(key);
    if (active == null) {
      conditions.put(key, raise(new Notice(0, type, severity, title, null, null, null, null,
          clock.instant(), null, value, null)));
    } else if (active.severity() != severity || !active.title().equals(title)) {
      replace(key, active.updated(severity, title, value));
    }
  }

  public synchronized void clearCondition(String key) {
    clear(key, clock.instant());
  }

  private Notice raise(Notice n) {
    Notice numbered = new Notice(nextId++, n.type(), n.severity(), n.title(), n.service(),
        n.client(), n.server(), n.protocol(), n.raisedAt(), n.clearedAt(), n.value(),
        n.baseline());
    history.put(numbered.id(), numbered);
    java.util.ArrayDeque<Long> ids = byType.computeIfAbsent(n.type(),
        k -> new java.util.ArrayDeque<>());
    ids.addLast(numbered.id());
    // Past the limit the oldest of this type go, except active conditions (bounded by the edges).
    var it = ids.iterator();
    while (ids.size() > settings.keep() && it.hasNext()) {
      Long id = it.next();
      Notice old = history.get(id);
      if (old == null || !old.active()) {
        it.remove();
        history.remove(id);
      }
    }
    return numbered;
  }

  private void replace(String key, Notice updated) {
    conditions.put(key, updated);
    history.computeIfPresent(updated.id(), (id, old) -> updated);
  }

  private void clear(String key, Instant now) {
    Notice n = conditions.remove(key);
    if (n != null) {
      Notice cleared = n.cleared(now);
      history.computeIfPresent(cleared.id(), (id, old) -> cleared);
    }
  }

  /** Active conditions and the events of the last {@code showFor}, for the graph. */
  public synchronized List<Notice> current() {
    Instant recent = clock.instant().minus(settings.showFor());
    List<Notice> out = new ArrayList<>();
    for (Notice n : history.values()) {
      boolean event = n.clearedAt() != null && n.clearedAt().equals(n.raisedAt());
      if (n.active() || (event && !n.raisedAt().isBefore(recent))) {
        out.add(n);
      }
    }
    return out;
  }

  /** Newest first: those raised at or after {@code since} (null for all), active ones only if asked. */
  public synchronized List<Notice> list(Instant since, boolean activeOnly, int limit) {
    List<Notice> out = new ArrayList<>();
    var it = history.descendingMap().values().iterator();
    while (it.hasNext() && out.size() < limit) {
      Notice n = it.next();
      if ((since == null || !n.raisedAt().isBefore(since)) && (!activeOnly || n.active())) {
        out.add(n);
      }
    }
    return out;
  }

  private static EdgeId id(Graph.Edge e) {
    return new EdgeId(e.client(), e.server(), e.protocol());
  }

  private static String key(String type, EdgeId id) {
    return type + "\u0000" + id.client() + "\u0000" + id.server() + "\u0000" + id.protocol();
  }

  private static String millis(long micros) {
    return micros >= 10_000 ? (micros / 1000) + " ms"
        : String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
  }

  private static String human(Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }
}
