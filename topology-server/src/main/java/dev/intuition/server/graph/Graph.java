package dev.intuition.server.graph;

import dev.intuition.decoder.Outcome;
import java.time.Instant;
import java.util.List;

/**
 * The service graph over a window: nodes (services, with their containers) and edges (client service
 * to server service per protocol), each with its rate, counts per outcome and exact latency
 * percentiles in microseconds.
 */
public record Graph(Instant from, Instant to, List<Node> nodes, List<Edge> edges) {

  /** Calls per outcome, rate and latency of one element of the graph. */
  public record Calls(double rate, long ok, long warning, long error, long p50Micros,
      long p95Micros, long p99Micros, long requestBytes, long responseBytes) {
    static Calls of(CallStats s, double seconds) {
      if (s == null) {
        return new Calls(0, 0, 0, 0, 0, 0, 0, 0, 0);
      }
      return new Calls(s.count() / seconds, s.count(Outcome.OK), s.count(Outcome.WARNING),
          s.count(Outcome.ERROR), s.percentile(50), s.percentile(95), s.percentile(99),
          s.requestBytes(), s.responseBytes());
    }

    public long total() {
      return ok + warning + error;
    }
  }

  public record Edge(String client, String server, String protocol, Calls calls) {
    static Edge of(String client, String server, String protocol, CallStats s, double seconds) {
      return new Edge(client, server, protocol, Calls.of(s, seconds));
    }
  }

  /** A service: the calls it served, and the same per container. */
  public record Node(String name, Calls served, List<Container> containers) {
    static Node of(String name, CallStats s, double seconds, List<Container> containers) {
      return new Node(name, Calls.of(s, seconds), List.copyOf(containers));
    }
  }

  public record Container(String name, Calls served) {
    static Container of(String name, CallStats s, double seconds) {
      return new Container(name, Calls.of(s, seconds));
    }
  }
}
