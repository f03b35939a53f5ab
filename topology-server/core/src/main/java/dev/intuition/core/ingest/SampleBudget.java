package dev.intuition.core.ingest;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cluster's sample budget: how many sampled calls a second the server stores, whatever the
 * number of agents (DESIGN.md "The data path at scale": what the store writes is bounded by the
 * edges and this budget, not by the traffic). Each agent that sent within the last
 * {@value #ACTIVE_SECONDS} seconds gets an equal share, which the server tells it in every ingest
 * answer so that it samples to it (fairly across its containers); the server also holds each agent
 * to its share with a token bucket (bursts up to {@value #BURST_SECONDS} seconds of it), so an
 * agent that does not listen cannot take the others' room: what goes past is counted and not
 * stored. Thread-safe. Memory: at most {@code maxAgents} agents, the longest silent forgotten first.
 */
public final class SampleBudget {
  /** An agent that sent nothing for this long no longer counts among those sharing the budget. */
  static final int ACTIVE_SECONDS = 30;
  /** An agent may store up to this many seconds of its share at once. */
  static final int BURST_SECONDS = 5;

  private final Clock clock;
  private final double perSecond;
  private final int maxAgents;
  /** By last batch, the longest silent first. */
  private final LinkedHashMap<String, Tokens> agents = new LinkedHashMap<>(16, 0.75f, true);
  private long overBudget;

  private static final class Tokens {
    double tokens;
    long lastNanos;
    long seenMillis;
  }

  /**
   * @param perSecond the cluster's samples a second; 0 or less for no limit
   * @param maxAgents agents tracked at most
   */
  public SampleBudget(Clock clock, double perSecond, int maxAgents) {
    this.clock = clock;
    this.perSecond = perSecond;
    this.maxAgents = Math.max(1, maxAgents);
  }

  /** No limit. */
  public static SampleBudget unlimited(Clock clock) {
    return new SampleBudget(clock, 0, 1);
  }

  /** Whether there is a budget at all. */
  public boolean limited() {
    return perSecond > 0;
  }

  /**
   * Takes {@code offered} samples of {@code agent}'s batch against its share: returns how many may
   * be stored (the rest are counted as over the budget).
   */
  public synchronized int admit(String agent, int offered) {
    if (perSecond <= 0) {
      return offered;
    }
    long nowMillis = clock.millis();
    Tokens t = agents.get(agent);
    if (t == null) {
      t = new Tokens();
      t.tokens = share(1) * BURST_SECONDS; // a new agent may store a burst at once
      t.lastNanos = nowMillis * 1_000_000L;
      agents.put(agent, t);
    }
    expire(nowMillis);
    double share = share(0);
    long nowNanos = nowMillis * 1_000_000L;
    t.tokens = Math.min(share * BURST_SECONDS,
        t.tokens + share * Math.max(0, nowNanos - t.lastNanos) / 1e9);
    t.lastNanos = nowNanos;
    t.seenMillis = nowMillis;
    int allowed = (int) Math.min(offered, Math.floor(t.tokens));
    t.tokens -= allowed;
    overBudget += offered - allowed;
    return allowed;
  }

  /** The share of each agent now, in samples a second; infinite when there is no limit. */
  public synchronized double share() {
    return perSecond <= 0 ? Double.POSITIVE_INFINITY : share(0);
  }

  private double share(int more) {
    return perSecond / Math.max(1, agents.size() + more);
  }

  private void expire(long nowMillis) {
    Iterator<Map.Entry<String, Tokens>> it = agents.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Tokens> e = it.next();
      if (agents.size() > maxAgents
          || e.getValue().seenMillis < nowMillis - ACTIVE_SECONDS * 1000L
          && e.getValue().seenMillis != 0) {
        it.remove();
      } else {
        break; // the rest sent more recently
      }
    }
  }

  /** Samples not stored since start because their agent was past its share. */
  public synchronized long overBudget() {
    return overBudget;
  }

  /** The cluster's budget, samples a second (0: none). */
  public double perSecond() {
    return perSecond;
  }
}
