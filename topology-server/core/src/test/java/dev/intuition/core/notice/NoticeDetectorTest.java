package dev.intuition.core.notice;

import dev.intuition.core.graph.Notice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.MutableClock;
import dev.intuition.core.graph.GraphAggregator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Notices from real aggregated graphs, second by second, as GraphService checks them. */
class NoticeDetectorTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  final MutableClock clock = new MutableClock(T0);
  final GraphAggregator graph = new GraphAggregator(clock, GraphAggregator.Settings.DEFAULT, null);
  final NoticeDetector notices = new NoticeDetector(clock, new NoticeDetector.Settings(
      Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofMinutes(2), 20, 0.05, 2.0, 100));

  static Transaction call(Instant end, String client, String server, boolean external,
      Outcome o, long micros) {
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 40000),
        new Endpoint(external ? "198.51.100.7" : "10.0.0.2", 80), end.minusNanos(micros * 1000),
        end, micros, "GET", "/", null, o == Outcome.ERROR ? "500" : "200", o, 1, 1, null,
        external ? server : null, null, null, List.of(), null, null, client,
        external ? null : server, "server");
  }

  /** Ten calls a second on web → api (and on api → db), for {@code seconds}, then a check. */
  void run(int seconds, double errorShare, long micros) {
    for (int s = 0; s < seconds; s++) {
      clock.set(clock.instant().plusSeconds(1));
      for (int i = 0; i < 10; i++) {
        boolean fail = i < Math.round(errorShare * 10);
        graph.add(call(clock.instant().minusMillis(100 - i), "web", "api", false,
            fail ? Outcome.ERROR : Outcome.OK, micros));
        graph.add(call(clock.instant().minusMillis(100 - i), "api", "db", false, Outcome.OK,
            1000));
      }
      if (s % 5 == 4) { // as often as GraphService checks
        check();
      }
    }
  }

  void check() {
    Instant now = clock.instant();
    notices.check(graph.graph(Duration.ofSeconds(60)), graph.graph(
        now.minusSeconds(60).minus(Duration.ofMinutes(10)), now.minusSeconds(60)));
  }

  List<String> types() {
    return notices.list(null, false, 100).stream().map(Notice::type).toList();
  }

  @Test
  void startingEdgesAreTheBaselineAndLaterOnesAreNews() {
    run(120, 0, 2000);
    assertEquals(List.of(), types(), "edges seen during the warm-up are not news");
    clock.set(clock.instant().plusSeconds(1));
    graph.add(call(clock.instant(), "api", "cache", false, Outcome.OK, 300));
    graph.add(call(clock.instant(), "api", "payments.example.com", true, Outcome.OK, 30_000));
    check();
    assertEquals(List.of("new-external-dependency", "new-edge"), types());
    Notice external = notices.list(null, false, 1).get(0);
    assertEquals(Notice.WARNING, external.severity());
    assertTrue(external.title().contains("payments.example.com"), external.title());
    assertEquals(2, notices.current().size(), "events show with the graph for a while");
    clock.set(clock.instant().plus(Duration.ofMinutes(6)));
    assertEquals(0, notices.current().size());
  }

  @Test
  void anErrorJumpRaisesAConditionThatClears() {
    run(600, 0, 2000);
    run(30, 0.5, 2000);
    List<Notice> active = notices.list(null, true, 10);
    assertEquals(1, active.size(), types().toString());
    Notice n = active.get(0);
    assertEquals("error-rate", n.type());
    assertEquals(Notice.DANGER, n.severity());
    assertEquals("web", n.client());
    assertEquals("api", n.server());
    assertTrue(n.title().contains("fail"), n.title());
    run(90, 0, 2000);
    assertEquals(0, notices.list(null, true, 10).size(), "cleared once the errors stop");
    assertTrue(notices.list(null, false, 10).get(0).clearedAt() != null);
  }

  @Test
  void aLatencyJumpIsSeenAndASilentServiceIsGone() {
    run(600, 0, 2000);
    run(60, 0, 80_000);
    List<Notice> active = notices.list(null, true, 10);
    assertEquals(List.of("latency"), active.stream().map(Notice::type).toList());
    assertTrue(active.get(0).title().contains("p99 80 ms"), active.get(0).title());
    // Nothing more for db (nor anyone): after the window and the gone time, services are gone.
    for (int s = 0; s < 40; s++) {
      clock.set(clock.instant().plusSeconds(5));
      check();
    }
    List<Notice> gone = notices.list(null, false, 100).stream()
        .filter(n -> n.type().equals("service-gone")).toList();
    assertEquals(List.of("api", "db"), gone.stream().map(Notice::service).sorted().toList());
  }
}
