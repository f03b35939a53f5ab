package dev.intuition.core.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far each agent's clock is from the server's, measured from its batches, so that the times of
 * its calls can be corrected instead of trusted. Every batch says when the agent sent it (the
 * {@code X-Intuition-Sent-At} header of each attempt, else the batch's {@code sentAt}); the difference
 * to the server's clock on arrival is the agent's offset minus the time in transit, never more. The
 * largest difference of the last {@link #WINDOW} (at most {@link #SAMPLES} batches) is therefore the
 * best estimate, as in NTP's minimum-delay filter. Offsets under {@link #CORRECT_ABOVE} are left
 * alone: they are within what transit itself varies. Bounded: the {@code maxAgents} agents heard from
 * most recently are kept. Thread-safe.
 */
public final class AgentClocks {
  static final Duration WINDOW = Duration.ofSeconds(60);
  static final int SAMPLES = 32;
  static final long CORRECT_ABOVE_MICROS = 1_000_000;
  static final Duration CORRECT_ABOVE = Duration.ofNanos(CORRECT_ABOVE_MICROS * 1000);
  /** Differences beyond this are no clock, only garbage: ignored. */
  static final long LIMIT_SECONDS = 100L * 366 * 24 * 3600;

  /** One agent's clock and what was done with its calls because of it. */
  public record AgentClock(String agent, String host, double offsetSeconds, boolean corrected,
      long future, long late, long expired, Instant lastBatch) {}

  /** Why a call was kept out, or only partly used. */
  enum Verdict { FUTURE, LATE, EXPIRED }

  private static final class State {
    final String agent;
    String host;
    final ArrayDeque<long[]> samples = new ArrayDeque<>(); // {received micros, offset micros}
    long offsetMicros;
    boolean measured;
    long future;
    long late;
    long expired;
    Instant lastBatch;

    State(String agent) {
      this.agent = agent;
    }
  }

  private final int maxAgents;
  private final boolean correct;
  private final Map<String, State> agents;

  /**
   * @param correct whether calls are moved by the measured offset (otherwise only measured)
   * @param maxAgents agents tracked; the least recently heard from is forgotten beyond
   */
  public AgentClocks(boolean correct, int maxAgents) {
    this.correct = correct;
    this.maxAgents = maxAgents;
    this.agents = new LinkedHashMap<>(16, 0.75f, true);
  }

  /**
   * Takes one batch's send time and returns the correction to subtract from its calls' times, in
   * microseconds (0 when the clock is close enough, or unknown).
   *
   * @param sentAt the agent's clock when it sent the batch; null when it did not say
   */
  public synchronized long observe(String agent, String host, Instant sentAt, Instant received) {
    State s = state(agent);
    if (host != null) {
      s.host = host;
    }
    s.lastBatch = received;
    if (sentAt != null && Math.abs(sentAt.getEpochSecond() - received.getEpochSecond())
        < LIMIT_SECONDS) {
      long now = micros(received);
      long sample = micros(sentAt) - now;
      s.samples.addLast(new long[] {now, sample});
      long oldest = now - WINDOW.toNanos() / 1000;
      while (s.samples.size() > SAMPLES || s.samples.peekFirst()[0] < oldest) {
        s.samples.removeFirst();
      }
      long best = Long.MIN_VALUE;
      for (long[] x : s.samples) {
        best = Math.max(best, x[1]);
      }
      s.offsetMicros = best;
      s.measured = true;
    }
    return correction(s);
  }

  private long correction(State s) {
    return correct && s.measured && Math.abs(s.offsetMicros) >= CORRECT_ABOVE_MICROS
        ? s.offsetMicros : 0;
  }

  synchronized void count(String agent, Verdict verdict, long n) {
    if (n == 0) {
      return;
    }
    State s = state(agent);
    switch (verdict) {
      case FUTURE -> s.future += n;
      case LATE -> s.late += n;
      case EXPIRED -> s.expired += n;
    }
  }

  private State state(String agent) {
    State s = agents.get(agent);
    if (s == null) {
      s = new State(agent);
      agents.put(agent, s);
      if (agents.size() > maxAgents) {
        var eldest = agents.entrySet().iterator();
        eldest.next();
        eldest.remove();
      }
    }
    return s;
  }

  /** The measured offset of one agent in seconds (positive: ahead of the server), or null. */
  public synchronized Double offsetSeconds(String agent) {
    State s = agents.get(agent);
    return s == null || !s.measured ? null : s.offsetMicros / 1e6;
  }

  /** One agent's clock, or null when it is not tracked (any more). */
  public synchronized AgentClock clock(String agent) {
    State s = agents.get(agent);
    return s == null ? null : view(s);
  }

  private AgentClock view(State s) {
    return new AgentClock(s.agent, s.host, s.measured ? s.offsetMicros / 1e6 : 0,
        correction(s) != 0, s.future, s.late, s.expired, s.lastBatch);
  }

  /** Every agent tracked, by name. */
  public synchronized List<AgentClock> all() {
    List<AgentClock> out = new ArrayList<>(agents.size());
    for (State s : agents.values()) {
      out.add(view(s));
    }
    out.sort(Comparator.comparing(AgentClock::agent));
    return out;
  }

  static long micros(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000);
  }
}
