package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import dev.intuition.decoder.Outcome;
import dev.intuition.core.graph.Notice;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The service graph over a window: nodes (services, with their containers) and edges (client service
 * to server service per protocol), each with its rate, counts per outcome and exact latency
 * percentiles in microseconds, and the notices that concern them. {@code overflow}, when not null,
 * says that names went past the server's limits and are counted under
 * {@value GraphAggregator#OTHER}.
 */
public record Graph(Instant from, Instant to, List<Node> nodes, List<Edge> edges,
    List<Notice> notices, GraphAggregator.Overflow overflow) {

  public Graph(Instant from, Instant to, List<Node> nodes, List<Edge> edges,
      List<Notice> notices) {
    this(from, to, nodes, edges, notices, null);
  }

  public static final String SERVICE = "service";
  public static final String EXTERNAL = "external";
  public static final String INTERNET = "internet";

  public Graph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
    notices = List.copyOf(notices);
  }

  /** Calls per outcome, rate and latency of one element of the graph. */
  public record Calls(double rate, long ok, long warning, long error, long p50Micros,
      long p95Micros, long p99Micros, long requestBytes, long responseBytes) {
    static final Calls NONE = new Calls(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static Calls of(CallStats s, double seconds) {
      if (s == null) {
        return NONE;
      }
      long[] p = s.percentiles(50, 95, 99);
      return new Calls(s.count() / seconds, s.count(Outcome.OK), s.count(Outcome.WARNING),
          s.count(Outcome.ERROR), p[0], p[1], p[2], s.requestBytes(), s.responseBytes());
    }

    public long total() {
      return ok + warning + error;
    }
  }

  /**
   * @param external the server is no known service (named by Host or IP)
   * @param lastSeen the last call seen (live graphs only): an edge that carries no traffic in the
   *     window stays, with no calls, until it fades out
   */
  public record Edge(String client, String server, String protocol, boolean external, Calls calls,
      Instant lastSeen) {}

  /**
   * A service: the calls it served, and the same per container.
   *
   * @param kind {@value #SERVICE}, {@value #EXTERNAL} or {@value #INTERNET}
   * @param group its stack or Compose project, where known
   */
  public record Node(String name, String kind, String group, Calls served,
      List<Container> containers, Instant lastSeen) {
    public Node {
      containers = List.copyOf(containers);
    }

    Node withGroup(String g) {
      return new Node(name, kind, g, served, containers, lastSeen);
    }
  }

  public record Container(String name, Calls served) {}

  /** The same graph with each node's group filled in. */
  public Graph withGroups(Function<String, String> groupOf) {
    return new Graph(from, to, nodes.stream().map(n -> n.group() != null ? n
        : n.withGroup(groupOf.apply(n.name()))).toList(), edges, notices, overflow);
  }

  public Graph withNotices(List<Notice> list) {
    return new Graph(from, to, nodes, edges, list, overflow);
  }

  /** The same graph, saying what went past the limits (null when nothing did). */
  public Graph withOverflow(GraphAggregator.Overflow o) {
    return new Graph(from, to, nodes, edges, notices, o != null && o.any() ? o : null);
  }

  /** Only the nodes of {@code group}, the edges that touch them and the nodes at their other ends. */
  public Graph group(String group) {
    Set<String> members = new HashSet<>();
    nodes.forEach(n -> {
      if (group.equals(n.group())) {
        members.add(n.name());
      }
    });
    List<Edge> es = edges.stream()
        .filter(e -> members.contains(e.client()) || members.contains(e.server())).toList();
    Set<String> keep = new HashSet<>(members);
    es.forEach(e -> {
      keep.add(e.client());
      keep.add(e.server());
    });
    return new Graph(from, to, nodes.stream().filter(n -> keep.contains(n.name())).toList(), es,
        notices.stream().filter(n -> keep.contains(n.service()) || keep.contains(n.client())
            || keep.contains(n.server())).toList(), overflow);
  }
}
