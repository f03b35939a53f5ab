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
 */
public record IngestAnswer(long accepted, long counted, long duplicates, long sequence,
    boolean repeated, long future, long expired, long late, long truncated,
    double clockOffsetSeconds) {}
