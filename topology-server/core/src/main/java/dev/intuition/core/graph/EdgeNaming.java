package dev.intuition.core.graph;

import dev.intuition.core.graph.GraphAggregator.EdgeKey;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.util.HashMap;
import java.util.Map;

/**
 * Names the edge and the serving node of each call within the graph's limits: services past
 * {@code maxServices} become {@value GraphAggregator#OTHER}, edges past {@code maxEdges} one
 * {@code (other) -> (other)} edge per protocol, containers past {@code maxContainersPerService} (or
 * {@code maxContainers} in all) their service's container {@code (other)}. Names come back as one
 * canonical instance each, shared by every bucket that holds them; names not seen for a while are
 * forgotten ({@link #expire}), which makes room for new ones. Not thread-safe.
 */
final class EdgeNaming {
  /** A call's edge and the node (service, container) that served it. */
  record Named(EdgeKey edge, NodeKey node) {}

  private static final String OTHER = GraphAggregator.OTHER;

  private final NameBudget<String> services;
  private final NameBudget<EdgeKey> edges;
  private final Map<String, NameBudget<NodeKey>> containers = new HashMap<>();
  private final int maxContainersPerService;
  private final int maxContainers;
  private int containersHeld;
  private long containersOverflowed;

  EdgeNaming(int maxServices, int maxEdges, int maxContainersPerService, int maxContainers) {
    this.services = new NameBudget<>(maxServices);
    this.edges = new NameBudget<>(maxEdges);
    this.maxContainersPerService = maxContainersPerService;
    this.maxContainers = maxContainers;
  }

  Named name(Transaction t, long micros) {
    return name(EndpointNames.client(t), EndpointNames.server(t), t.serverService() == null,
        t.protocol(), t.serverContainer(), micros);
  }

  /**
   * @param clientName the client's service, or {@value EndpointNames#INTERNET}
   * @param serverName the server's service, or its external name
   * @param external whether the server is no known service
   */
  Named name(String clientName, String serverName, boolean external, Protocol protocol,
      String serverContainer, long micros) {
    String client = service(clientName, micros);
    String server = service(serverName, micros);
    EdgeKey edge = edges.admit(new EdgeKey(client, server, protocol,
        external && !OTHER.equals(server)), micros);
    if (edge == null) { // past the limit: one edge per protocol takes what overflows
      edge = edges.force(new EdgeKey(OTHER, OTHER, protocol, false), micros);
    }
    NameBudget<NodeKey> of = containers.computeIfAbsent(edge.server(),
        k -> new NameBudget<>(maxContainersPerService));
    NodeKey wanted = new NodeKey(edge.server(), serverContainer);
    boolean isNew = !of.slots.containsKey(wanted);
    NodeKey node = isNew && containersHeld >= maxContainers ? null : of.admit(wanted, micros);
    if (node != null && isNew) {
      containersHeld++;
    }
    if (node == null) {
      containersOverflowed++;
      node = of.force(new NodeKey(edge.server(), OTHER), micros);
    }
    return new Named(edge, node);
  }

  /** The name itself, or {@value GraphAggregator#OTHER} past the limit on services. */
  private String service(String name, long micros) {
    if (EndpointNames.INTERNET.equals(name)) {
      return EndpointNames.INTERNET;
    }
    String canonical = services.admit(name, micros);
    return canonical != null ? canonical : OTHER;
  }

  /** Forgets the names last seen before {@code before}. */
  void expire(long before) {
    services.expire(before);
    edges.expire(before);
    containers.values().forEach(b -> containersHeld -= b.expire(before));
    containers.values().removeIf(b -> b.size() == 0);
  }

  long servicesOverflowed() {
    return services.overflow;
  }

  long edgesOverflowed() {
    return edges.overflow;
  }

  long containersOverflowed() {
    return containersOverflowed;
  }

  int servicesHeld() {
    return services.size();
  }

  int edgesHeld() {
    return edges.size();
  }
}
