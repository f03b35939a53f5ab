package dev.intuition.wire;

import dev.intuition.decoder.Protocol;
import dev.intuition.wire.stats.CallStats;

/**
 * The calls of one interval with one key, as the agent aggregates them (wire version 2): what the
 * server merges into its graph (per second and edge) and its endpoint tables (per 10 seconds, edge
 * and endpoint) instead of counting calls one by one. Counts, bytes and the latency
 * histogram add up exactly, so any sum of summaries gives the same percentiles as the calls would.
 *
 * @param interval the interval's start, seconds since the epoch (by the agent's clock)
 * @param seconds the interval's length
 * @param protocol the calls' protocol
 * @param observedAt {@code server} or {@code client}: the side whose network namespace saw them
 * @param client the calling end
 * @param server the answering end
 * @param host the HTTP Host the server was called as (names an external server), or null
 * @param endpoint an endpoint summary's endpoint ({@link dev.intuition.decoder.endpoint.Endpoints}),
 *     or {@code other} for what went past the agent's limit on endpoints; null in a summary per
 *     second and edge
 * @param stats counts per outcome, bytes each way, latencies
 * @param gaps calls seen with packet loss (a gap in their bytes)
 * @param unmatched responses whose request was not seen, and requests that got no response
 */
public record Summary(long interval, int seconds, Protocol protocol, String observedAt,
    Side client, Side server, String host, String endpoint, CallStats stats, long gaps,
    long unmatched) {
  /** What an endpoint past the agent's limit is summed under. */
  public static final String OTHER_ENDPOINT = "other";

  /**
   * One end of the calls.
   *
   * @param ip its address
   * @param container the container there, when the agent knows it
   * @param service its service, when the agent knows it
   */
  public record Side(String ip, String container, String service) {}

  public Summary {
    if (stats == null) {
      stats = new CallStats();
    }
  }
}
