package dev.intuition.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.wire.Sample;
import dev.intuition.wire.Summary;
import dev.intuition.wire.stats.CallStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SummarizerTest {
  static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now = T0;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static Transaction call(String client, String server, String path, Outcome o, long micros,
      Instant end, String observedAt) {
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 40000),
        new Endpoint("10.0.0.2", 80), end.minusNanos(micros * 1000), end, micros, "GET", path,
        "GET " + path, o == Outcome.OK ? "200" : "500", o, 100, 300, null, null, null, null,
        List.of(), client + ".1", server + ".1", client, server, observedAt);
  }

  final TestClock clock = new TestClock();

  Summarizer summarizer(Summarizer.Settings settings) {
    return new Summarizer(settings, clock, new SplittableRandom(11));
  }

  @Test
  void callsAreSummedPerSecondAndEdgeAndPerEndpointExactly() {
    Summarizer s = summarizer(Summarizer.Settings.DEFAULT);
    CallStats expected = new CallStats();
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 10_000; i++) {
      Transaction t = call("web", "api", "/users/" + r.nextInt(5000),
          r.nextInt(20) == 0 ? Outcome.ERROR : Outcome.OK, 100 + r.nextLong(1_000_000),
          T0.minusSeconds(3).plusMillis(r.nextInt(2000)), "server");
      s.add(t);
      expected.add(t);
    }
    assertTrue(s.drain(false).summaries().isEmpty() == false, "seconds that ended are handed over");
    clock.now = T0;
    Summarizer all = summarizer(Summarizer.Settings.DEFAULT);
    r = new SplittableRandom(1);
    for (int i = 0; i < 10_000; i++) {
      all.add(call("web", "api", "/users/" + r.nextInt(5000),
          r.nextInt(20) == 0 ? Outcome.ERROR : Outcome.OK, 100 + r.nextLong(1_000_000),
          T0.minusSeconds(3).plusMillis(r.nextInt(2000)), "server"));
    }
    Summarizer.Drained d = all.drain(false);
    assertEquals(2, d.summaries().size(), "two seconds, one edge: " + d.summaries());
    assertTrue(d.summaries().stream().allMatch(x -> x.endpoint() == null && x.seconds() == 1));
    assertEquals(List.of(), d.endpoints(), "the endpoints' 10 seconds wait for their own end");
    CallStats merged = new CallStats();
    d.summaries().forEach(x -> merged.merge(x.stats()));
    assertEquals(expected, merged, "counts, bytes and the histogram add up exactly");
    assertEquals(10_000, d.calls());
    assertEquals(0, all.pending());
    clock.now = T0.plusMillis(500 + Summarizer.ENDPOINT_SPREAD_MILLIS);
    Summarizer.Drained later = all.drain(false);
    assertEquals(0, later.summaries().size());
    assertEquals(1, later.endpoints().size(), "one endpoint in one 10 seconds");
    Summary endpoint = later.endpoints().get(0);
    assertEquals("GET /users/{id}", endpoint.endpoint());
    assertEquals(10, endpoint.seconds());
    assertEquals(T0.getEpochSecond() - 10, endpoint.interval());
    assertEquals(expected, endpoint.stats(), "the same calls again, exactly");
    assertEquals(0, all.keys());
  }

  @Test
  void aSecondWaitsForItsGraceAndLateCallsStartANewSummary() {
    Summarizer s = summarizer(Summarizer.Settings.DEFAULT);
    s.add(call("web", "api", "/", Outcome.OK, 100, T0.minusMillis(300), "server"));
    assertEquals(0, s.drain(false).summaries().size(), "the second ended 0.3 s ago: grace 0.5 s");
    clock.now = T0.plusMillis(600);
    assertEquals(1, s.drain(false).summaries().size());
    s.add(call("web", "api", "/", Outcome.OK, 100, T0.minusMillis(200), "server"));
    List<Summary> late = s.drain(false).summaries();
    assertEquals(1, late.size());
    assertEquals(T0.getEpochSecond() - 1, late.get(0).interval());
  }

  @Test
  void endpointsPerEdgeAreBoundedAndTheRestSummedAsOther() {
    Summarizer s = summarizer(new Summarizer.Settings(Duration.ZERO, 50_000, 5, 10, 3, 5, 100));
    for (int i = 0; i < 100; i++) {
      s.add(call("web", "api", "/route" + (char) ('a' + i % 20), Outcome.OK, 100,
          T0.minusSeconds(2), "server"));
    }
    List<Summary> out = s.drain(true).endpoints();
    assertEquals(6, out.size(), "five endpoints and other");
    Summary other = out.stream().filter(x -> x.endpoint().equals(Summary.OTHER_ENDPOINT))
        .findFirst().orElseThrow();
    assertEquals(75, other.stats().count());
  }

  @Test
  void pastMaxKeysCallsAreDroppedAndCounted() {
    Summarizer s = summarizer(new Summarizer.Settings(Duration.ZERO, 10, 50, 10, 3, 5, 100));
    for (int i = 0; i < 100; i++) {
      s.add(call("c" + i, "api", "/", Outcome.OK, 100, T0.minusSeconds(2), "server"));
    }
    // Each call takes two: its second's summary and its endpoint summary.
    assertEquals(10, s.keys());
    assertEquals(95, s.dropped());
    assertEquals(5, s.drain(true).calls());
    assertEquals(0, s.keys(), "handing over frees the room");
  }

  @Test
  void theSampleKeepsErrorsTheSlowestAndAUniformRestWithWeightsThatAddUp() {
    Summarizer s = summarizer(new Summarizer.Settings(Duration.ZERO, 50_000, 50, 10, 3, 5, 1000));
    int errors = 40;
    for (int i = 0; i < 1000; i++) {
      Outcome o = i < errors ? Outcome.ERROR : Outcome.OK;
      s.add(call("web", "api", "/", o, 1000 + i, T0.minusSeconds(2), "server"));
    }
    s.add(call("web", "api", "/", Outcome.WARNING, 5, T0.minusSeconds(2), "server"));
    List<Sample> samples = s.drain(false).samples();
    assertEquals(10 + 3 + 5, samples.size());
    double total = samples.stream().mapToDouble(Sample::weight).sum();
    assertEquals(1001, total, 1e-6, "the weights stand for every call");
    List<Sample> bad = samples.stream().filter(x -> x.transaction().outcome() != Outcome.OK)
        .toList();
    assertEquals(10, bad.size());
    assertEquals(41.0 / 10, bad.get(0).weight(), 1e-9);
    List<Long> slowest = samples.stream().filter(x -> x.weight() == 1)
        .map(x -> x.transaction().durationMicros()).sorted(Comparator.reverseOrder()).toList();
    assertEquals(List.of(1999L, 1998L, 1997L), slowest, "the three slowest ok calls, weight 1");
  }

  @Test
  void allErrorsAreKeptWithinTheBudgetAtWeightOne() {
    Summarizer s = summarizer(Summarizer.Settings.DEFAULT);
    for (int i = 0; i < 200; i++) {
      s.add(call("web", "api", "/", i % 50 == 0 ? Outcome.ERROR : Outcome.OK, 1000,
          T0.minusSeconds(2), "server"));
    }
    List<Sample> samples = s.drain(false).samples();
    List<Sample> errors = samples.stream()
        .filter(x -> x.transaction().outcome() == Outcome.ERROR).toList();
    assertEquals(4, errors.size());
    assertTrue(errors.stream().allMatch(x -> x.weight() == 1));
  }

  @Test
  void theUniformReservoirIsUniform() {
    int[] picked = new int[10];
    for (int round = 0; round < 2000; round++) {
      Summarizer s = new Summarizer(new Summarizer.Settings(Duration.ZERO, 50_000, 50, 0, 0, 1,
          100), clock, new SplittableRandom(round));
      for (int i = 0; i < 10; i++) {
        s.add(call("web", "api", "/" + i, Outcome.OK, 1000, T0.minusSeconds(2), "server"));
      }
      String path = s.drain(false).samples().get(0).transaction().resource();
      picked[Integer.parseInt(path.substring(1))]++;
    }
    for (int n : picked) {
      assertTrue(n > 120 && n < 280, "each of ten calls about 200 times in 2000: "
          + java.util.Arrays.toString(picked));
    }
  }

  @Test
  void aNoisyContainerCannotTakeAnotherContainersShare() {
    Summarizer s = summarizer(new Summarizer.Settings(Duration.ZERO, 50_000, 50, 10, 3, 5, 20));
    // The noisy container calls 50 services with errors; the quiet one makes 3 calls.
    for (int k = 0; k < 50; k++) {
      for (int i = 0; i < 100; i++) {
        s.add(call("noisy", "svc" + k, "/", i % 2 == 0 ? Outcome.ERROR : Outcome.OK, 1000 + i,
            T0.minusSeconds(2), "client"));
      }
    }
    for (int i = 0; i < 3; i++) {
      s.add(call("quiet", "api", "/", Outcome.ERROR, 1000, T0.minusSeconds(2), "client"));
    }
    Summarizer.Drained d = s.drain(false);
    Map<String, List<Sample>> byClient = d.samples().stream()
        .collect(Collectors.groupingBy(x -> x.transaction().clientContainer()));
    assertEquals(3, byClient.get("quiet.1").size(), "the quiet container keeps all its calls");
    assertEquals(20, byClient.get("noisy.1").size(), "the noisy one its budget");
    assertTrue(byClient.get("noisy.1").stream()
        .allMatch(x -> x.transaction().outcome() == Outcome.ERROR), "errors are thinned last");
    assertEquals(50 * 18 - 20, s.leftOut().get("noisy.1"));
    assertEquals(null, s.leftOut().get("quiet.1"));
    Map<String, Double> weights = new HashMap<>();
    for (Sample x : byClient.get("noisy.1")) {
      weights.merge(x.transaction().serverService(), x.weight(), Double::sum);
    }
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    assertTrue(total <= 50 * 50 + 1e-6, "weights never stand for more errors than there were: "
        + total);
  }

  @Test
  void theAgentKeepsToItsShareOfTheClusterBudgetFairlyAcrossContainers() {
    Summarizer s = summarizer(Summarizer.Settings.DEFAULT);
    s.shareOfCluster(10);
    int shippedInAll = 0;
    for (int second = 0; second < 5; second++) {
      Instant at = T0.minusSeconds(10 - second);
      for (int k = 0; k < 50; k++) { // noisy: 50 edges, half of their calls failing
        for (int i = 0; i < 40; i++) {
          s.add(call("noisy", "svc" + k, "/", i % 2 == 0 ? Outcome.ERROR : Outcome.OK, 1000 + i,
              at, "client"));
        }
      }
      for (int i = 0; i < 3; i++) {
        s.add(call("quiet", "api", "/", Outcome.ERROR, 1000, at, "client"));
      }
      for (int i = 0; i < 30; i++) {
        s.add(call("medium", "db", "/", Outcome.OK, 1000 + i, at, "client"));
      }
      clock.now = at.plusSeconds(2);
      Summarizer.Drained d = s.drain(false);
      Map<String, List<Sample>> byClient = d.samples().stream()
          .collect(Collectors.groupingBy(x -> x.transaction().clientContainer()));
      int shipped = d.samples().size();
      shippedInAll += shipped;
      assertTrue(shipped <= 10, "second " + second + ": " + shipped);
      assertEquals(3, byClient.get("quiet.1").size(), "the quiet container keeps its 3 errors");
      int noisy = byClient.getOrDefault("noisy.1", List.of()).size();
      int medium = byClient.getOrDefault("medium.1", List.of()).size();
      assertTrue(Math.abs(noisy - medium) <= 1, "the rest shared evenly: " + noisy + " and "
          + medium);
      assertTrue(byClient.get("noisy.1").stream()
          .allMatch(x -> x.transaction().outcome() == Outcome.ERROR), "errors are thinned last");
    }
    assertEquals(50, shippedInAll, "10 a second: the share, no more and no less");
    assertTrue(s.leftOut().get("noisy.1") > 5 * 400, "what the noisy one left out is counted");
    s.shareOfCluster(0);
    for (int i = 0; i < 30; i++) {
      s.add(call("medium", "db", "/", Outcome.OK, 1000 + i, T0, "client"));
    }
    clock.now = T0.plusSeconds(2);
    assertEquals(8, s.drain(false).samples().size(), "no share: the edge's own budgets only");
  }

  @Test
  void callsWithoutTimeAreDroppedAndCounted() {
    Summarizer s = summarizer(Summarizer.Settings.DEFAULT);
    Transaction t = call("web", "api", "/", Outcome.OK, 1, T0, "server");
    s.add(new Transaction(t.protocol(), t.client(), t.server(), null, null, null, "GET", "/",
        null, null, Outcome.ERROR, 0, 0, null, null, null, null, List.of(), null, null, null,
        null, null));
    assertEquals(1, s.dropped());
    List<Transaction> unmatched = new ArrayList<>();
    unmatched.add(new Transaction(t.protocol(), t.client(), t.server(), T0.minusSeconds(5), null,
        null, "GET", "/", null, null, Outcome.ERROR, 10, 0, null, null, null, null,
        List.of("no response"), "web.1", "api.1", "web", "api", "server"));
    unmatched.forEach(s::add);
    Summary x = s.drain(false).summaries().get(0);
    assertEquals(1, x.unmatched());
    assertEquals(1, x.stats().error());
  }

  @Test
  void manyOutsideCallersOfOneServerDoNotMakeASummaryEach() {
    Summarizer s = summarizer(Summarizer.Settings.DEFAULT);
    for (int i = 0; i < 1000; i++) {
      Transaction t = call("web", "api", "/", Outcome.OK, 100, T0.minusSeconds(2), "server");
      s.add(new Transaction(t.protocol(), new Endpoint("203.0." + (i / 250) + "." + (i % 250),
          50000), t.server(), t.start(), t.end(), t.durationMicros(), t.method(), t.resource(),
          t.query(), t.status(), t.outcome(), 1, 1, null, null, null, null, List.of(), null,
          "api.1", null, "api", "server"));
    }
    List<Summary> out = s.drain(false).summaries();
    assertEquals(Summarizer.MAX_UNNAMED_CLIENTS + 1, out.size(),
        "sixteen callers by address, the rest as one with none");
    assertEquals(1000 - Summarizer.MAX_UNNAMED_CLIENTS, out.stream()
        .filter(x -> x.client().ip() == null).findFirst().orElseThrow().stats().count());
  }

  @Test
  void namesTheServerToldKeySummariesByServiceAndLeaveOutWhatAnotherAgentReports() {
    Summarizer s = summarizer(Summarizer.Settings.DEFAULT);
    List<dev.intuition.wire.AddressName> told = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      told.add(new dev.intuition.wire.AddressName("10.9.0." + i, "web", "web." + i, true));
    }
    told.add(new dev.intuition.wire.AddressName("10.8.0.1", "db", "db.1", true));
    s.names().learn(told);
    Transaction base = call("web", "api", "/", Outcome.OK, 100, T0.minusSeconds(2), "server");
    for (int i = 0; i < 1000; i++) { // callers on other hosts: this agent cannot name them
      s.add(new Transaction(base.protocol(), new Endpoint("10.9.0." + i % 50, 40000),
          base.server(), base.start(), base.end(), base.durationMicros(), "GET", "/", null, "200",
          Outcome.OK, 1, 1, null, null, null, null, List.of(), null, "api.1", null, "api",
          "server"));
    }
    for (int i = 0; i < 10; i++) { // this host's api calling db, which db's agent captures
      s.add(new Transaction(base.protocol(), base.server(), new Endpoint("10.8.0.1", 5432),
          base.start(), base.end(), 5L, "SELECT", "t", "SELECT 1", "OK", Outcome.OK, 1, 1, null,
          null, null, null, List.of(), "api.1", null, "api", null, "client"));
    }
    assertEquals(10, s.monitoredElsewhere());
    List<Summary> out = s.drain(false).summaries();
    assertEquals(50, out.size(), "one per calling container, none per address: " + out.size());
    assertTrue(out.stream().allMatch(x -> "web".equals(x.client().service())
        && x.client().ip() == null));
    assertEquals(1000, out.stream().mapToLong(x -> x.stats().count()).sum());
  }

  @Test
  void aNameIsForgottenAfterItsTime() {
    ClusterNames names = new ClusterNames(clock);
    names.learn(List.of(new dev.intuition.wire.AddressName("10.0.0.9", "x", null, false)));
    assertEquals("x", names.get("10.0.0.9").service());
    clock.now = clock.now.plusSeconds(ClusterNames.TTL_SECONDS + 1);
    assertEquals(null, names.get("10.0.0.9"));
    assertEquals(0, names.size());
  }
}
