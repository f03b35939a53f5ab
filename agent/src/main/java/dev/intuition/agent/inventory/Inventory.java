package dev.intuition.agent.inventory;

import dev.intuition.wire.Container;
import dev.intuition.wire.SwarmService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What runs on this host and in the Swarm, as of one moment: an immutable snapshot, replaced whole when
 * discovery learns something, so that capture threads read it without locks. Containers that exited
 * a short while ago ({@code exited}) still name their addresses, since their last calls are still
 * being decoded and reported (a container that lives 100 ms is named too), but are not captured; a
 * running container's address wins over an exited one's, since addresses are reused.
 */
public record Inventory(Map<String, ContainerInfo> containers, List<SwarmService> services,
    Map<String, ContainerInfo> byAddress, Map<String, SwarmService> byVirtualIp,
    Map<String, ContainerInfo> exited) {

  public static final Inventory EMPTY = of(List.of(), List.of());

  public static Inventory of(Collection<ContainerInfo> containers, List<SwarmService> services) {
    return of(containers, services, List.of());
  }

  public static Inventory of(Collection<ContainerInfo> containers, List<SwarmService> services,
      Collection<ContainerInfo> exited) {
    Map<String, ContainerInfo> byId = new HashMap<>();
    Map<String, ContainerInfo> byAddress = new HashMap<>();
    Map<String, ContainerInfo> exitedById = new HashMap<>();
    for (ContainerInfo c : exited) {
      exitedById.put(c.id(), c);
      for (String ip : c.addresses().values()) {
        if (ip != null && !ip.isEmpty()) {
          byAddress.put(ip, c);
        }
      }
    }
    for (ContainerInfo c : containers) {
      byId.put(c.id(), c);
      exitedById.remove(c.id());
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
        Map.copyOf(byVip), Map.copyOf(exitedById));
  }

  public ContainerInfo container(String ip) {
    return byAddress.get(ip);
  }

  public SwarmService service(String virtualIp) {
    return byVirtualIp.get(virtualIp);
  }

  /** Whether the container at {@code ip} is running (and so captured), not only recently exited. */
  public boolean running(String ip) {
    ContainerInfo c = byAddress.get(ip);
    return c != null && containers.containsKey(c.id());
  }

  /** What the wire carries of this snapshot (docs/wire-format.md): the containers, then the exited. */
  public dev.intuition.wire.Inventory toWire() {
    List<Container> out = new ArrayList<>(containers.size() + exited.size());
    containers.values().forEach(c -> out.add(toWire(c, false)));
    exited.values().forEach(c -> out.add(toWire(c, true)));
    return new dev.intuition.wire.Inventory(out, services);
  }

  private static Container toWire(ContainerInfo c, boolean exited) {
    return new Container(c.id(), c.name(), c.image(), c.placement().service(),
        c.placement().task(), c.placement().group(), c.addresses(), c.networkMode(), c.labels(),
        exited);
  }
}
