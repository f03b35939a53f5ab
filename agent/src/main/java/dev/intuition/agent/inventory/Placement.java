package dev.intuition.agent.inventory;

/**
 * Where a container belongs in the graph.
 *
 * @param service the node it is drawn in
 * @param task the Swarm task (or Compose container number), or null
 * @param group the island it is drawn on: the stack or Compose project, or null
 */
public record Placement(String service, String task, String group) {}
