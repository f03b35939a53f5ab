package dev.intuition.server.graph;

import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns transactions into the service graph, with no framework: per edge (client service, server
 * service, protocol) and per node (a service, split per container) and per time bucket, mergeable
 * {@link CallStats}. {@link #graph} merges the buckets of any window within what is kept. Buckets form a
 * ring: the oldest is reused when time moves on, so memory is bounded by edges x buckets. A transaction
 * is placed by its end (its start for a request that never got an answer); one older than the ring is
 * counted as late and dropped. Thread-safe.
 *
 * <pre>
 *   GraphAggregator g = new GraphAggregator(clock, Duration.ofSeconds(1), 300);
 *   transactions.forEach(g::add);
 *   Graph now = g.graph(Duration.ofSeconds(60));
 * </pre>
 */
public final class GraphAggregator {
  /** An edge of the graph. */
  public record EdgeKey(String client, String server, Protocol protocol) {}

  private record NodeKey(String service, String container) {}

  private static final class Bucket {
    long start = Long.MIN_VALUE;
    final Map<EdgeKey, CallStats> edges = new HashMap<>();
    final Map<NodeKey, CallStats> nodes = new HashMap<>();

    void reset(long start) {
      this.start = start;
      edges.clear();
      nodes.clear();
    }
  }

  private final Clock clock;
  private final long widthMicros;
  private final Bucket[] ring;
  private long late;
  private long added;

  /**
   * @param width the bucket width (1 s for the live graph)
   * @param buckets how many buckets are kept (the window the graph can cover)
   */
  public GraphAggregator(Clock clock, Duration width, int buckets) {
    this.clock = clock;
    this.widthMicros = width.toNanos() / 1000;
    this.ring = new Bucket[buckets];
    for (int i = 0; i < buckets; i++) {
      ring[i] = new Bucket();
    }
  }

  public synchronized void add(Transaction t) {
    Instant at = t.end() != null ? t.end() : t.start();
    if (at == null) {
      return;
    }
    long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
    long start = Math.floorDiv(micros, widthMicros) * widthMicros;
    Bucket b = ring[(int) Math.floorMod(start / widthMicros, (long) ring.length)];
    if (b.start != start) {
      if (b.start > start) {
        late++; // older than everything kept
        return;
      }
      b.reset(start);
    }
    String client = EndpointNames.client(t);
    String server = EndpointNames.server(t);
    b.edges.computeIfAbsent(new EdgeKey(client, server, t.protocol()), k -> new CallStats()).add(t);
    b.nodes.computeIfAbsent(new NodeKey(server, t.serverContainer()), k -> new CallStats()).add(t);
    added++;
  }

  /** The graph of the last {@code window} up to now. */
  public Graph graph(Duration window) {
    Instant to = clock.instant();
    return graph(to.minus(window), to);
  }

  /** The graph of the calls that ended in {@code [from, to)}, to the precision of a bucket. */
  public synchronized Graph graph(Instant from, Instant to) {
    long fromMicros = from.getEpochSecond() * 1_000_000L + from.getNano() / 1000;
    long toMicros = to.getEpochSecond() * 1_000_000L + to.getNano() / 1000;
    Map<EdgeKey, CallStats> edges = new HashMap<>();
    Map<String, CallStats> services = new HashMap<>();
    Map<NodeKey, CallStats> containers = new HashMap<>();
    for (Bucket b : ring) {
      if (b.start == Long.MIN_VALUE || b.start + widthMicros <= fromMicros || b.start >= toMicros) {
        continue;
      }
      b.edges.forEach((k, v) -> edges.computeIfAbsent(k, x -> new CallStats()).merge(v));
      b.nodes.forEach((k, v) -> {
        services.computeIfAbsent(k.service(), x -> new CallStats()).merge(v);
        if (k.container() != null) {
          containers.computeIfAbsent(k, x -> new CallStats()).merge(v);
        }
      });
    }
    double seconds = Math.max(1e-6, (toMicros - fromMicros) / 1e6);
    List<Graph.Edge> edgeList = new ArrayList<>();
    edges.forEach((k, s) -> edgeList.add(Graph.Edge.of(k.client(), k.server(),
        k.protocol().wireName(), s, seconds)));
    edgeList.sort(Comparator.comparing(Graph.Edge::client).thenComparing(Graph.Edge::server)
        .thenComparing(Graph.Edge::protocol));
    Map<String, Graph.Node> nodes = new HashMap<>();
    for (Graph.Edge e : edgeList) { // every end is a node, callers included
      nodes.putIfAbsent(e.client(), Graph.Node.of(e.client(), null, seconds, List.of()));
    }
    services.forEach((name, s) -> {
      List<Graph.Container> cs = new ArrayList<>();
      containers.forEach((k, v) -> {
        if (k.service().equals(name)) {
          cs.add(Graph.Container.of(k.container(), v, seconds));
        }
      });
      cs.sort(Comparator.comparing(Graph.Container::name));
      nodes.put(name, Graph.Node.of(name, s, seconds, cs));
    });
    List<Graph.Node> nodeList = new ArrayList<>(nodes.values());
    nodeList.sort(Comparator.comparing(Graph.Node::name));
    return new Graph(from, to, nodeList, edgeList);
  }

  /** Transactions that arrived too late for the buckets kept. */
  public synchronized long late() {
    return late;
  }

  public synchronized long added() {
    return added;
  }
}
