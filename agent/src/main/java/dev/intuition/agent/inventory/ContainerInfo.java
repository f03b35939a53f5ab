package dev.intuition.agent.inventory;

import java.util.Map;

/**
 * A running container as the agent needs it: who it is, how to enter its network namespace, its
 * addresses, and where it belongs (service, task, group: {@link ServiceNaming}).
 *
 * @param namespacePath the file to {@code setns} on: the sandbox key, else {@code /proc/PID/ns/net}
 * @param addresses IP address per network name
 * @param networkMode {@code host}, {@code container:ID}, or a network name; containers that share
 *     another's namespace are captured once, through the owner
 */
public record ContainerInfo(
    String id,
    String name,
    String image,
    Map<String, String> labels,
    int pid,
    String namespacePath,
    Map<String, String> addresses,
    String networkMode,
    Placement placement) {

  public ContainerInfo {
    labels = Map.copyOf(labels);
    addresses = Map.copyOf(addresses);
  }

  public boolean hostNetwork() {
    return "host".equals(networkMode);
  }

  /** The container whose namespace this one joined (network_mode container:X), or null. */
  public String sharesNamespaceOf() {
    return networkMode != null && networkMode.startsWith("container:")
        ? networkMode.substring("container:".length()) : null;
  }

  public String shortId() {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
