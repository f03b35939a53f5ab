package dev.intuition.wire;

import dev.intuition.decoder.Transaction;
import java.time.Instant;
import java.util.List;

/**
 * One batch from an agent (docs/wire-format.md).
 *
 * @param version the wire version, {@link Wire#VERSION}
 * @param agent who sends it; null when the sender named none
 * @param run new at every start of the agent; with {@code agent.id} and {@code sequence} it names
 *     the batch, so that one sent again after a lost answer is applied once
 * @param sequence increases by one per batch of one run (0 when the sender has none)
 * @param sentAt when the batch was made (a batch sent again repeats it); null when absent or not an
 *     instant
 * @param transactions version 1: the calls, tagged by the agent, each counted by the server;
 *     version 2: none (calls arrive as summaries and samples)
 * @param inventory what runs on the agent's host; sent every few seconds, else null
 * @param health the agent's capture and shipping health, sent with the inventory, else null
 * @param summaries version 2: the calls aggregated per second and edge (client and server
 *     container and service, protocol): what the graph counts
 * @param endpoints version 2: the same calls again per endpoint, over longer intervals (10 s):
 *     what the endpoint tables show, never counted into the graph
 * @param samples version 2: the calls kept as they were, each with its weight; they are stored
 *     for the access log, never counted again (the summaries count them)
 */
public record Batch(int version, AgentIdentity agent, String run, long sequence, Instant sentAt,
    List<Transaction> transactions, Inventory inventory, Health health, List<Summary> summaries,
    List<Summary> endpoints, List<Sample> samples) {
  public Batch {
    transactions = transactions == null ? List.of() : transactions;
    summaries = summaries == null ? List.of() : summaries;
    endpoints = endpoints == null ? List.of() : endpoints;
    samples = samples == null ? List.of() : samples;
  }

  /** A batch of version 2 with no endpoint summaries. */
  public Batch(int version, AgentIdentity agent, String run, long sequence, Instant sentAt,
      List<Transaction> transactions, Inventory inventory, Health health, List<Summary> summaries,
      List<Sample> samples) {
    this(version, agent, run, sequence, sentAt, transactions, inventory, health, summaries, null,
        samples);
  }

  /** A batch of version 1: transactions, no summaries. */
  public Batch(int version, AgentIdentity agent, String run, long sequence, Instant sentAt,
      List<Transaction> transactions, Inventory inventory, Health health) {
    this(version, agent, run, sequence, sentAt, transactions, inventory, health, null, null,
        null);
  }

  /** The sender's id, or null. */
  public String agentId() {
    return agent == null ? null : agent.id();
  }

  /** The sender's host, or null. */
  public String agentHost() {
    return agent == null ? null : agent.host();
  }
}
