package dev.intuition.wire;

import java.util.List;

/**
 * An agent's health, sent with its inventory.
 *
 * @param captures one per captured network namespace (and the host's)
 * @param shipping what the agent's shipping has done so far; null when it does not ship
 * @param discoveryError why the Docker API cannot be used now, or null
 */
public record Health(List<CaptureHealth> captures, ShippingHealth shipping,
    String discoveryError) {
  public Health {
    captures = captures == null ? List.of() : List.copyOf(captures);
  }
}
