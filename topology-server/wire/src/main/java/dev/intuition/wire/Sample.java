package dev.intuition.wire;

import dev.intuition.decoder.Transaction;

/**
 * A call kept in the agent's sample (wire version 2), with how many calls it stands for: the calls
 * of its stratum (errors and warnings, the slowest, the rest) in its edge and interval, divided by
 * those of the stratum that were kept. All kept: 1.
 */
public record Sample(Transaction transaction, double weight) {
  public Sample {
    if (!(weight >= 1) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("a sample's weight is at least 1, got " + weight);
    }
  }
}
