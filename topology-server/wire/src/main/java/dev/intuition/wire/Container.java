package dev.intuition.wire;

import java.util.Map;

/**
 * A container as its agent reports it; the server names the ends of calls by its addresses.
 *
 * @param service the service it belongs to (Swarm service, Compose service, else its name)
 * @param task the Swarm task, if any
 * @param group the stack or Compose project, if any
 * @param addresses IP address per network name
 * @param networkMode {@code host}, {@code container:ID}, or a network name
 * @param exited the container stopped within the last two minutes: its addresses still name it,
 *     but no agent captures it any more
 */
public record Container(String id, String name, String image, String service, String task,
    String group, Map<String, String> addresses, String networkMode, Map<String, String> labels,
    boolean exited) {
  public Container {
    addresses = addresses == null ? Map.of() : addresses;
    labels = labels == null ? Map.of() : labels;
  }
}
