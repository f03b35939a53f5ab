package dev.intuition.wire;

import java.util.List;

/**
 * A Swarm service as a manager node sees it: calls to one of its virtual IPs go to the service (IPVS
 * picks a task), so the VIP names the service itself.
 *
 * @param group the stack, if any
 * @param virtualIps as Docker gives them, with their prefix length ({@code 10.0.1.5/24})
 * @param endpointMode {@code vip} or {@code dnsrr}
 */
public record SwarmService(String id, String name, String group, List<String> virtualIps,
    String endpointMode) {
  public SwarmService {
    virtualIps = virtualIps == null ? List.of() : List.copyOf(virtualIps);
  }
}
