package dev.intuition.wire;

import java.util.List;

/**
 * What runs on an agent's host: its containers (running, and those that exited within the last two
 * minutes) and, on a Swarm manager, the Swarm services with their virtual IPs.
 */
public record Inventory(List<Container> containers, List<SwarmService> services) {
  public static final Inventory EMPTY = new Inventory(List.of(), List.of());

  public Inventory {
    containers = containers == null ? List.of() : List.copyOf(containers);
    services = services == null ? List.of() : List.copyOf(services);
  }
}
