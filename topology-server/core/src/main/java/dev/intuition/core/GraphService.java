package dev.intuition.core;

import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.graph.Notice;
import dev.intuition.core.inventory.AddressBook;
import dev.intuition.core.metrics.Metrics;
import dev.intuition.core.notice.NoticeDetector;
import dev.intuition.core.storage.TransactionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graph as the API and the stream serve it: the aggregator's numbers with each node's group (from
 * the agents' inventories) and the notices. Also the server's clock work, once a second: complete
 * minutes go to the store, faded edges and silent agents are forgotten, notices are checked (every
 * 5 s), and the store's retention is applied (every 10 min).
 */
public final class GraphService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GraphService.class);
  /** The window notices look at, and the baseline before it. */
  static final Duration NOTICE_WINDOW = Duration.ofSeconds(60);
  static final Duration NOTICE_BASELINE = Duration.ofMinutes(10);

  private final Clock clock;
  private final GraphAggregator aggregator;
  private final AddressBook addresses;
  private final NoticeDetector notices;
  private final TransactionStore store;
  private final Metrics metrics;
  private final ScheduledExecutorService ticker;
  private long ticks;

  /** @param tick whether to run the clock work on a thread of its own (tests call {@link #tick}) */
  public GraphService(Clock clock, GraphAggregator aggregator, AddressBook addresses,
      NoticeDetector notices, TransactionStore store,
      Metrics metrics, boolean tick) {
    this.clock = clock;
    this.aggregator = aggregator;
    this.addresses = addresses;
    this.notices = notices;
    this.store = store;
    this.metrics = metrics;
    if (tick) {
      ticker = Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("graph-tick").daemon().factory());
      ticker.scheduleAtFixedRate(this::tickSafely, 1, 1, TimeUnit.SECONDS);
    } else {
      ticker = null;
    }
  }

  /** The live graph of the last {@code window}, with fading elements and current notices. */
  public Graph live(Duration window) {
    return aggregator.graph(window).withGroups(addresses::group).withNotices(notices.current())
        .withOverflow(aggregator.overflow());
  }

  /** The graph of {@code [from, to)}, with the notices raised in it. */
  public Graph range(Instant from, Instant to) {
    List<Notice> raised = notices.list(from, false, 1000).stream()
        .filter(n -> n.raisedAt().isBefore(to)).toList();
    return aggregator.graph(from, to).withGroups(addresses::group).withNotices(raised)
        .withOverflow(aggregator.overflow());
  }

  public Clock clock() {
    return clock;
  }

  public GraphAggregator aggregator() {
    return aggregator;
  }

  public NoticeDetector notices() {
    return notices;
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("graph tick failed: {}", e.toString(), e);
    }
  }

  /** One second's clock work. */
  public synchronized void tick() {
    ticks++;
    aggregator.tick();
    addresses.expire();
    if (ticks % 5 == 0) {
      checkNotices();
    }
    if (ticks % 600 == 0) {
      store.expire(clock.instant());
    }
  }

  /** Compares the last minute with the ten minutes before it. */
  public void checkNotices() {
    Instant now = clock.instant();
    Graph window = aggregator.graph(NOTICE_WINDOW);
    if (metrics != null) {
      metrics.refresh(window);
    }
    Graph baseline = aggregator.graph(now.minus(NOTICE_WINDOW).minus(NOTICE_BASELINE),
        now.minus(NOTICE_WINDOW));
    notices.check(window, baseline);
    checkLimits();
  }

  private GraphAggregator.Overflow lastOverflow;

  /** A notice while names go past the limits: what is counted under (other), and which setting. */
  void checkLimits() {
    GraphAggregator.Overflow o = aggregator.overflow();
    GraphAggregator.Overflow before = lastOverflow;
    lastOverflow = o;
    limitNotice("services", o.services(), before == null ? 0 : before.services(),
        String.format(java.util.Locale.ROOT, "More than %,d services: calls of further services "
            + "are counted under %s (intuition.limits.max-services)", o.maxServices(),
            GraphAggregator.OTHER));
    limitNotice("edges", o.edges(), before == null ? 0 : before.edges(),
        String.format(java.util.Locale.ROOT, "More than %,d edges: calls on further edges are "
            + "counted on %s \u2192 %s (intuition.limits.max-edges)", o.maxEdges(),
            GraphAggregator.OTHER, GraphAggregator.OTHER));
    limitNotice("memory", o.bucketsEvicted(), before == null ? 0 : before.bucketsEvicted(),
        String.format(java.util.Locale.ROOT, "The graph reached its memory limit (%,d MB, "
            + "intuition.graph.max-bytes): its oldest 10-second history was given up; older "
            + "ranges come from the stored minutes", o.maxBytes() >> 20));
    limitNotice("containers", o.containers(), before == null ? 0 : before.containers(),
        String.format(java.util.Locale.ROOT, "A service has more than %,d containers: further "
            + "ones are counted as %s (intuition.limits.max-containers-per-service)",
            o.maxContainersPerService(), GraphAggregator.OTHER));
  }

  private void limitNotice(String what, long now, long before, String title) {
    String key = "limit\u0000" + what;
    if (now > before) {
      notices.condition(key, "limit", dev.intuition.core.graph.Notice.WARNING, title,
          now - before);
    } else {
      notices.clearCondition(key);
    }
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    aggregator.storePending();
  }
}
