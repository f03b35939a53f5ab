package dev.intuition.wire;

/**
 * The server's answer to a batch it took (202).
 *
 * @param accepted transactions in the batch (0 when it had been taken before)
 * @param counted calls counted into the graph
 * @param duplicates client-side observations dropped: the server side reports the same calls
 * @param sequence the batch's sequence number
 * @param repeated the batch had been taken before and was not applied again
 * @param future calls dropped for ending too far after the server's now
 * @param expired calls dropped for being older than the retention
 * @param late calls older than the live window: history and coarser tiers only
 * @param truncated calls whose texts were cut to the server's limits
 * @param clockOffsetSeconds the sending agent's clock offset as the server measures it
 * @param names version 2: what the server knows of the addresses the batch left unnamed (at most
 *     {@link #MAX_NAMES})
 * @param samplesPerSecond version 2: the sending agent's share of the cluster's sample budget,
 *     samples a second, which it samples to; 0 when the server sets no budget
 */
public record IngestAnswer(long accepted, long counted, long duplicates, long sequence,
    boolean repeated, long future, long expired, long late, long truncated,
    double clockOffsetSeconds, java.util.List<AddressName> names, double samplesPerSecond) {
  /** Names in one answer at most. */
  public static final int MAX_NAMES = 1_000;

  public IngestAnswer {
    names = names == null ? java.util.List.of() : java.util.List.copyOf(names);
    samplesPerSecond = Double.isFinite(samplesPerSecond) && samplesPerSecond > 0
        ? samplesPerSecond : 0;
  }

  /** An answer with names and no sample budget. */
  public IngestAnswer(long accepted, long counted, long duplicates, long sequence,
      boolean repeated, long future, long expired, long late, long truncated,
      double clockOffsetSeconds, java.util.List<AddressName> names) {
    this(accepted, counted, duplicates, sequence, repeated, future, expired, late, truncated,
        clockOffsetSeconds, names, 0);
  }

  /** An answer that names nothing. */
  public IngestAnswer(long accepted, long counted, long duplicates, long sequence,
      boolean repeated, long future, long expired, long late, long truncated,
      double clockOffsetSeconds) {
    this(accepted, counted, duplicates, sequence, repeated, future, expired, late, truncated,
        clockOffsetSeconds, null, 0);
  }
}
