package dev.intuition.agent.inventory;

import java.util.List;

/**
 * A Swarm service as a manager node sees it: calls to one of its virtual IPs go to the service (IPVS
 * picks a task), so the VIP resolves to the service itself.
 *
 * @param endpointMode {@code vip} or {@code dnsrr}
 */
public record SwarmService(String id, String name, String group, List<String> virtualIps,
    String endpointMode) {
  public SwarmService {
    virtualIps = List.copyOf(virtualIps);
  }
}
