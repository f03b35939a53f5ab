package dev.intuition.agent.inventory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What runs on this host and in the Swarm, as of one moment: an immutable snapshot, replaced whole when
 * discovery learns something, so that capture threads read it without locks.
 */
public record Inventory(Map<String, ContainerInfo> containers, List<SwarmService> services,
    Map<String, ContainerInfo> byAddress, Map<String, SwarmService> byVirtualIp) {

  public static final Inventory EMPTY = of(List.of(), List.of());

  public static Inventory of(Collection<ContainerInfo> containers, List<SwarmService> services) {
    Map<String, ContainerInfo> byId = new HashMap<>();
    Map<String, ContainerInfo> byAddress = new HashMap<>();
    for (ContainerInfo c : containers) {
      byId.put(c.id(), c);
      for (String ip : c.addresses().values()) {
        if (ip != null && !ip.isEmpty()) {
          byAddress.put(ip, c);
        }
      }
    }
    Map<String, SwarmService> byVip = new HashMap<>();
    for (SwarmService s : services) {
      for (String vip : s.virtualIps()) {
        byVip.put(vip, s);
      }
    }
    return new Inventory(Map.copyOf(byId), List.copyOf(services), Map.copyOf(byAddress),
        Map.copyOf(byVip));
  }

  public ContainerInfo container(String ip) {
    return byAddress.get(ip);
  }

  public SwarmService service(String virtualIp) {
    return byVirtualIp.get(virtualIp);
  }
}
