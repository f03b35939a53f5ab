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
 * @param transactions the calls, tagged by the agent
 * @param inventory what runs on the agent's host; sent every few seconds, else null
 * @param health the agent's capture and shipping health, sent with the inventory, else null
 */
public record Batch(int version, AgentIdentity agent, String run, long sequence, Instant sentAt,
    List<Transaction> transactions, Inventory inventory, Health health) {
  public Batch {
    transactions = transactions == null ? List.of() : transactions;
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
