package dev.intuition.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.MutableClock;
import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.inventory.AddressBook;
import dev.intuition.core.metrics.Metrics;
import dev.intuition.core.graph.Notice;
import dev.intuition.core.notice.NoticeDetector;
import dev.intuition.core.storage.InMemoryTransactionStore;
import dev.intuition.wire.AgentIdentity;
import dev.intuition.wire.Batch;
import dev.intuition.wire.Wire;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Agents with wrong clocks cannot damage what the others show. One agent a day ahead that says when
 * it sent its batches is measured and corrected: its calls land at the right time. One a day ahead
 * that does not say cannot be corrected: its calls are dropped and counted, with a notice. Either way
 * the well-behaved agent's last-minute and last-hour graphs are exactly what they are without them
 * (before this, one such agent blanked the last minute of everybody: history was evicted in favour
 * of the future).
 */
class ClockSkewTest {
  static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");
  static final Duration DAY = Duration.ofDays(1);

  /** A server core on a simulated clock: the ingest, the graph, the store and the notices. */
  static final class Core {
    final MutableClock clock = new MutableClock(T0);
    final InMemoryTransactionStore store = new InMemoryTransactionStore(1_000_000,
        Duration.ofHours(24));
    final GraphAggregator graph = new GraphAggregator(clock, GraphAggregator.Settings.DEFAULT,
        store);
    final NoticeDetector notices = new NoticeDetector(clock, NoticeDetector.Settings.DEFAULT);
    final SeriesRecorder registry = new SeriesRecorder();
    final Ingester ingester = new Ingester(clock, Ingester.Settings.DEFAULT, graph, store,
        new AddressBook(clock, Duration.ofMinutes(2)), registry, notices);
    final Map<String, Long> sequences = new TreeMap<>();

    Ingester.Result send(String agent, Instant agentNow, boolean saysWhenSent,
        List<Transaction> calls) {
      long seq = sequences.merge(agent, 1L, Long::sum);
      return ingester.apply(new Batch(Wire.VERSION, new AgentIdentity(agent, agent + ".example",
          "test"), "run-" + agent, seq, saysWhenSent ? agentNow : null, calls, null, null), 0,
          agent, saysWhenSent ? agentNow : null);
    }
  }

  /** The agent series the ingester registers, read as a registry would read them. */
  static final class SeriesRecorder implements Metrics {
    private final Map<String, java.util.function.Supplier<Number>> series =
        new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void record(Transaction t) {}

    @Override
    public void agentSeries(String agent, String host, String name, String description,
        String tag, String tagValue, java.util.function.Supplier<Number> value, boolean counter) {
      series.putIfAbsent(name + "/" + agent + "/" + tagValue, value);
    }

    @Override
    public void refresh(dev.intuition.core.graph.Graph lastMinute) {}

    double value(String name, String agent, String tagValue) {
      java.util.function.Supplier<Number> v = series.get(name + "/" + agent + "/" + tagValue);
      return v == null || v.get() == null ? Double.NaN : v.get().doubleValue();
    }
  }

  static Transaction call(String client, String server, Instant end, Outcome outcome) {
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 40000),
        new Endpoint("10.0.0.2", 80), end.minusMillis(3), end, 3000L, "GET", "/", "GET /",
        outcome == Outcome.OK ? "200" : "500", outcome, 10, 20, null, null, null, null, List.of(),
        client + "-1", server + "-1", client, server, "server");
  }

  /** An hour and five minutes of one call-heavy agent and, if asked, two agents a day ahead. */
  static Core run(boolean withSkewedAgents) {
    Core core = new Core();
    for (int s = 0; s < 65 * 60; s++) {
      Instant now = T0.plusSeconds(s);
      core.clock.set(now);
      List<Transaction> good = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        good.add(call("web", "api", now.minusMillis(200 * i + 10),
            i == 0 && s % 7 == 0 ? Outcome.ERROR : Outcome.OK));
      }
      core.send("good", now, true, good);
      // One call a second for five minutes, then one every ten seconds for the rest of the hour.
      boolean skewedCall = s < 300 ? true : s % 10 == 0;
      if (withSkewedAgents && skewedCall) {
        Instant ahead = now.plus(DAY);
        Ingester.Result measured = core.send("measured", ahead, true,
            List.of(call("batch", "store", ahead.minusMillis(5), Outcome.OK)));
        assertEquals(1, measured.accepted(), "corrected, not dropped");
        Ingester.Result unmeasured = core.send("unmeasured", ahead, false,
            List.of(call("cron", "db", ahead.minusMillis(5), Outcome.OK)));
        assertEquals(1, unmeasured.future(), "cannot be corrected: dropped");
      }
      core.graph.tick();
    }
    return core;
  }

  static long calls(Graph g, String client, String server) {
    return g.edges().stream().filter(e -> e.client().equals(client) && e.server().equals(server))
        .mapToLong(e -> e.calls().total()).sum();
  }

  @Test
  void aDayAheadHourOfTrafficLeavesTheOthersGraphsUnchanged() {
    Core alone = run(false);
    Core skewed = run(true);
    Instant now = skewed.clock.instant();
    Graph lastMinute = skewed.graph.graph(Duration.ofSeconds(60));
    Graph lastMinuteAlone = alone.graph.graph(Duration.ofSeconds(60));
    assertEquals(300, calls(lastMinuteAlone, "web", "api"), "5 calls a second for 60 s");
    assertEquals(calls(lastMinuteAlone, "web", "api"), calls(lastMinute, "web", "api"));
    Graph lastHour = skewed.graph.graph(now.minus(Duration.ofHours(1)), now.plusMillis(1));
    Graph lastHourAlone = alone.graph.graph(now.minus(Duration.ofHours(1)), now.plusMillis(1));
    assertEquals(calls(lastHourAlone, "web", "api"), calls(lastHour, "web", "api"));
    assertTrue(calls(lastHourAlone, "web", "api") >= 5 * 3590, "an hour of calls");
    for (String f : new String[] {"error", "p99"}) {
      Graph.Edge a = lastHourAlone.edges().stream().filter(e -> e.client().equals("web"))
          .findFirst().orElseThrow();
      Graph.Edge b = lastHour.edges().stream().filter(e -> e.client().equals("web"))
          .findFirst().orElseThrow();
      assertEquals(a.calls(), b.calls(), f);
    }

    // The measured agent's calls were moved back by its offset: they are in the graph, now.
    assertEquals(6, calls(lastMinute, "batch", "store"), "one every ten seconds");
    assertEquals(0, calls(lastMinute, "cron", "db"), "the unmeasurable agent's calls: dropped");
    AgentClocks.AgentClock measured = skewed.ingester.clocks().clock("measured");
    assertEquals(86_400.0, measured.offsetSeconds(), 1e-6);
    assertTrue(measured.corrected());
    AgentClocks.AgentClock unmeasured = skewed.ingester.clocks().clock("unmeasured");
    assertEquals(300 + 360, unmeasured.future(), "every call of the unmeasurable agent");

    // Both are said on the graph, and in the metrics.
    List<String> titles = skewed.notices.current().stream().filter(Notice::active)
        .map(Notice::title).toList();
    assertTrue(titles.contains("Agent measured.example's clock is 86,400 s ahead; its calls are "
        + "corrected by it"), titles.toString());
    assertTrue(titles.stream().anyMatch(t -> t.startsWith("Agent unmeasured.example sends calls "
        + "from the future")), titles.toString());
    assertEquals(86_400.0, skewed.registry.value("intuition.agent.clock.offset", "measured",
        null), 1e-6);
    assertEquals(660.0, skewed.registry.value("intuition.agent.calls.skewed", "unmeasured",
        "future"), 1e-6);
  }

  @Test
  void extremeTimesAreCountedNotOverflowed() {
    Core core = new Core();
    core.clock.set(T0);
    Instant farFuture = Instant.parse("+999999999-12-31T23:59:59.999999Z");
    Instant farPast = Instant.parse("-999999999-01-01T00:00:00Z");
    Ingester.Result r = core.send("odd", farFuture, true, List.of(
        call("x", "y", farFuture, Outcome.OK), call("x", "y", farPast, Outcome.OK),
        call("x", "y", T0.minus(Duration.ofDays(30)), Outcome.OK),
        call("x", "y", T0.minusSeconds(600), Outcome.OK), call("x", "y", T0, Outcome.OK)));
    assertEquals(1, r.future());
    assertEquals(2, r.expired(), "before the retention: dropped");
    assertEquals(1, r.late(), "before the live window: history only");
    assertEquals(2, r.accepted());
    assertEquals(1, calls(core.graph.graph(Duration.ofSeconds(60)), "x", "y"));
  }

  @Test
  void callsAFewSecondsAheadCountAtNowAndTakeNoBucketOfTheFuture() {
    Core core = new Core();
    core.clock.set(T0);
    // A clock 0.5 s ahead (not corrected: within transit) and calls 90 s ahead (an agent that does
    // not say when it sent): both within the 2-minute tolerance.
    core.send("close", T0.plusMillis(500), true, List.of(call("a", "b", T0.plusMillis(400),
        Outcome.OK)));
    core.send("ahead", T0, false, List.of(call("a", "b", T0.plusSeconds(90), Outcome.OK)));
    assertEquals(2, calls(core.graph.graph(Duration.ofSeconds(1)), "a", "b"));
    core.clock.set(T0.plusSeconds(90));
    assertEquals(0, calls(core.graph.graph(Duration.ofSeconds(10)), "a", "b"),
        "nothing waits in the future");
  }
}
