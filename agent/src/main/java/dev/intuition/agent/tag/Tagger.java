package dev.intuition.agent.tag;

import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.Inventory;
import dev.intuition.wire.SwarmService;
import dev.intuition.decoder.Transaction;

/**
 * Names both ends of a transaction from the inventory and decides who reports it. A call between two
 * containers of this host is seen twice, once in each one's namespace: only the server side's
 * observation is kept (DESIGN.md). A client-side observation is kept when the server is not captured
 * here (another host, or outside the cluster) and marked {@code observedAt=client}, so that the server,
 * which knows every agent's inventory, can drop it when the server side reports the same call.
 */
public final class Tagger {
  public static final String SERVER_SIDE = "server";
  public static final String CLIENT_SIDE = "client";

  private Tagger() {}

  /**
   * @param observer the container whose namespace saw the call, or null for a host capture
   * @return the tagged transaction, or null when the server's own capture reports this call
   */
  public static Transaction tag(Transaction t, ContainerInfo observer, Inventory inventory) {
    ContainerInfo client = inventory.container(t.client().ip());
    ContainerInfo server = inventory.container(t.server().ip());
    SwarmService vip = server == null ? inventory.service(t.server().ip()) : null;
    String side = null;
    if (observer != null) {
      if (observer.addresses().containsValue(t.server().ip())) {
        side = SERVER_SIDE;
      } else if (observer.addresses().containsValue(t.client().ip())) {
        side = CLIENT_SIDE;
      }
    }
    if (CLIENT_SIDE.equals(side) && server != null && !server.hostNetwork()
        && !server.id().equals(observer.id())) {
      return null; // the server container is captured on this host: its observation wins
    }
    return t.withPlacement(
        client == null ? null : client.name(),
        server == null ? null : server.name(),
        client == null ? null : client.placement().service(),
        server != null ? server.placement().service() : vip != null ? vip.name() : null,
        side);
  }
}
