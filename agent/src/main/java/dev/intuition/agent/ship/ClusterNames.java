package dev.intuition.agent.ship;

import dev.intuition.wire.AddressName;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the server told this agent of addresses it could not name itself (in its ingest answers):
 * callers and servers on other hosts. Bounded to {@value #MAX} addresses (the least recently used
 * go first), and each name is forgotten {@value #TTL_SECONDS} seconds after it was learnt, since an
 * address is reused when its container is replaced. Thread-safe.
 */
public final class ClusterNames {
  static final int MAX = 65_536;
  static final long TTL_SECONDS = 120;

  private record Learnt(AddressName name, long at) {}

  private final Clock clock;
  private final Map<String, Learnt> names = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Learnt> eldest) {
      return size() > MAX;
    }
  };

  public ClusterNames(Clock clock) {
    this.clock = clock;
  }

  public synchronized void learn(List<AddressName> learnt) {
    long now = clock.millis();
    for (AddressName n : learnt) {
      if (n.ip() != null && n.service() != null) {
        names.put(n.ip(), new Learnt(n, now));
      }
    }
  }

  /** The name of {@code ip}, or null when the server has not told one (or not lately). */
  public synchronized AddressName get(String ip) {
    if (ip == null || names.isEmpty()) {
      return null;
    }
    Learnt l = names.get(ip);
    if (l == null) {
      return null;
    }
    if (clock.millis() - l.at() > TTL_SECONDS * 1000) {
      names.remove(ip);
      return null;
    }
    return l.name();
  }

  public synchronized int size() {
    return names.size();
  }
}
