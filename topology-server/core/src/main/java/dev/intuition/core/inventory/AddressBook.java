package dev.intuition.core.inventory;

import dev.intuition.decoder.Transaction;
import dev.intuition.wire.CaptureHealth;
import dev.intuition.wire.Container;
import dev.intuition.wire.Health;
import dev.intuition.wire.Inventory;
import dev.intuition.wire.SwarmService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every agent last said runs on its host: container addresses and Swarm virtual IPs, merged
 * across hosts. With it the server names the ends an agent could not (a call to a container on another
 * host, a short-lived client gone before its agent inspected it, a Swarm VIP), and drops a call seen
 * twice: a client-side observation whose server is a container some agent captures, since that
 * agent reports the same call from the server side (DESIGN.md: the server side wins). An agent's
 * inventory is forgotten when it has not been refreshed for {@code expiry}. Thread-safe: updates
 * replace an immutable snapshot.
 */
public final class AddressBook {
  /**
   * A container as agents report it.
   *
   * @param exited the container exited a moment ago: its address still names it, but no agent
   *     captures it any more
   */
  public record Member(String container, String service, String group, String agent,
      boolean exited) {
    public Member(String container, String service, String group, String agent) {
      this(container, service, group, agent, false);
    }
  }

  /** One agent as last heard from. */
  public record AgentView(String id, String host, Instant lastSeen, int addresses,
      Health health) {}

  private record AgentInventory(String id, String host, Instant received,
      Map<String, Member> addresses, Map<String, Member> virtualIps, Health health) {}

  private record Snapshot(Map<String, Member> addresses, Map<String, Member> virtualIps,
      Map<String, String> groups) {}

  /**
   * @param maxAgents agents whose inventories are kept; a new one past this is ignored (counted)
   * @param maxAddressesPerAgent container addresses and virtual IPs taken from one inventory
   * @param maxNameLength container, service and group names are cut to this
   */
  public record Limits(int maxAgents, int maxAddressesPerAgent, int maxNameLength) {
    public static final Limits DEFAULT = new Limits(10_000, 65_536, 200);
  }

  /** How long an agent's inventory is kept after its last batch, by default. */
  public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(2);

  /** Of an agent's health report, the captures of this many namespaces are kept. */
  static final int MAX_HEALTH_CAPTURES = 1024;

  private final Clock clock;
  private final Duration expiry;
  private final Limits limits;
  private long refused;
  private final Map<String, AgentInventory> agents = new HashMap<>();
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of());

  public AddressBook(Clock clock, Duration expiry) {
    this(clock, expiry, Limits.DEFAULT);
  }

  public AddressBook(Clock clock, Duration expiry, Limits limits) {
    this.clock = clock;
    this.expiry = expiry;
    this.limits = limits;
  }

  /** Takes an agent's {@code inventory} and {@code health} from a batch (docs/wire-format.md). */
  public synchronized void update(String agentId, String host, Inventory inventory,
      Health health) {
    if (!agents.containsKey(agentId) && agents.size() >= limits.maxAgents()) {
      refused++;
      return;
    }
    int max = limits.maxAddressesPerAgent();
    Map<String, Member> addresses = new HashMap<>();
    for (Container c : inventory.containers()) {
      Member m = new Member(text(c.name()), text(c.service()), text(c.group()), agentId,
          c.exited());
      for (String ip : c.addresses().values()) {
        if (ip != null && !ip.isEmpty() && ip.length() <= 45 && addresses.size() < max) {
          addresses.put(ip, m);
        }
      }
    }
    Map<String, Member> vips = new HashMap<>();
    for (SwarmService s : inventory.services()) {
      Member m = new Member(null, text(s.name()), text(s.group()), agentId);
      for (String vip : s.virtualIps()) {
        int slash = vip.indexOf('/'); // Docker gives VIPs with their prefix length
        String ip = slash > 0 ? vip.substring(0, slash) : vip;
        if (!ip.isEmpty() && ip.length() <= 45 && vips.size() < max) {
          vips.put(ip, m);
        }
      }
    }
    health = bounded(health);
    agents.put(agentId, new AgentInventory(agentId, text(host), clock.instant(),
        Map.copyOf(addresses), Map.copyOf(vips), health));
    rebuild();
  }

  /** Forgets the agents not heard from within the expiry. */
  public synchronized void expire() {
    Instant oldest = clock.instant().minus(expiry);
    if (agents.values().removeIf(a -> a.received().isBefore(oldest))) {
      rebuild();
    }
  }

  private void rebuild() {
    Map<String, Member> addresses = new HashMap<>();
    Map<String, Member> vips = new HashMap<>();
    Map<String, String> groups = new HashMap<>();
    for (AgentInventory a : agents.values()) {
      a.addresses().forEach((ip, m) -> addresses.merge(ip, m, (old, now) -> old.exited() ? now
          : old)); // a running container's address wins over an exited one's
      vips.putAll(a.virtualIps());
      for (var members : List.of(a.addresses().values(), a.virtualIps().values())) {
        for (Member m : members) {
          if (m.service() != null && m.group() != null) {
            groups.put(m.service(), m.group());
          }
        }
      }
    }
    snapshot = new Snapshot(Map.copyOf(addresses), Map.copyOf(vips), Map.copyOf(groups));
  }

  /** The container or service at {@code ip}: a container address first, then a Swarm VIP. */
  public Member at(String ip) {
    Snapshot s = snapshot;
    Member m = s.addresses().get(ip);
    return m != null ? m : s.virtualIps().get(ip);
  }

  /** The transaction with the ends its agent left unnamed filled in from the inventories. */
  public Transaction resolve(Transaction t) {
    boolean client = t.clientService() == null && t.client() != null;
    boolean server = t.serverService() == null && t.server() != null;
    if (!client && !server) {
      return t;
    }
    Member c = client ? at(t.client().ip()) : null;
    Member s = server ? at(t.server().ip()) : null;
    if (c == null && s == null) {
      return t;
    }
    return t.withPlacement(
        c != null ? c.container() : t.clientContainer(),
        s != null ? s.container() : t.serverContainer(),
        c != null ? c.service() : t.clientService(),
        s != null ? s.service() : t.serverService(),
        t.observedAt());
  }

  /**
   * A client-side observation of a call to a container that an agent captures: that agent reports
   * the same call from the server side, which wins.
   */
  public boolean seenByServerSide(Transaction t) {
    return t.server() != null && seenByServerSide(t.observedAt(), t.server().ip());
  }

  /** As {@link #seenByServerSide(Transaction)}, for calls seen at {@code observedAt}. */
  public boolean seenByServerSide(String observedAt, String serverIp) {
    if (!"client".equals(observedAt) || serverIp == null) {
      return false;
    }
    Member m = snapshot.addresses().get(serverIp);
    return m != null && !m.exited();
  }

  /** The stack or Compose project of a service, where an agent said so. */
  public String group(String service) {
    return snapshot.groups().get(service);
  }

  public synchronized List<AgentView> agents() {
    List<AgentView> out = new ArrayList<>();
    for (AgentInventory a : agents.values()) {
      out.add(new AgentView(a.id(), a.host(), a.received(), a.addresses().size(), a.health()));
    }
    out.sort(java.util.Comparator.comparing(AgentView::id));
    return out;
  }

  /** Inventories ignored because {@code maxAgents} other agents were known. */
  public synchronized long refused() {
    return refused;
  }

  /** The health as kept: names and errors cut like names, at most so many captures. */
  private Health bounded(Health h) {
    if (h == null) {
      return null;
    }
    List<CaptureHealth> captures = new ArrayList<>();
    for (CaptureHealth c : h.captures()) {
      if (captures.size() == MAX_HEALTH_CAPTURES) {
        break;
      }
      Map<String, Long> decoder = c.decoder().size() <= 64 ? c.decoder() : Map.of();
      captures.add(new CaptureHealth(text(c.name()), c.packets(), c.dropped(),
          c.droppedByInterface(), decoder, text(c.error())));
    }
    var s = h.shipping();
    return new Health(captures, s == null ? null : new dev.intuition.wire.ShippingHealth(
        s.queued(), s.sent(), s.dropped(), s.batches(), s.failedAttempts(), text(s.lastError()),
        s.refusedBatches(), s.serverExpired(), s.serverFuture(), s.monitoredElsewhere(),
        leftOut(s.samplesLeftOut())), text(h.discoveryError()));
  }

  private Map<String, Long> leftOut(Map<String, Long> m) {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (out.size() < dev.intuition.wire.ShippingHealth.MAX_LEFT_OUT) {
        out.put(text(k), v);
      }
    });
    return out;
  }

  private String text(String s) {
    if (s == null) {
      return null;
    }
    int max = limits.maxNameLength();
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
