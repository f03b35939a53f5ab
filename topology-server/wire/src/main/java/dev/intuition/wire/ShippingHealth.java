package dev.intuition.wire;

/**
 * What an agent's shipping has done so far.
 *
 * @param queued transactions waiting to be sent
 * @param sent transactions the server took
 * @param dropped transactions dropped: the queue was full, or the server refused their batch
 * @param batches batches the server took
 * @param failedAttempts attempts that failed (each is retried unless the server refused the batch)
 * @param lastError the last failure, or null once a batch went through
 * @param refusedBatches batches the server refused with a 4xx (their transactions are in dropped)
 * @param serverExpired calls the server took but dropped as older than its retention
 * @param serverFuture calls the server took but dropped as from the future (this host's clock)
 */
public record ShippingHealth(long queued, long sent, long dropped, long batches,
    long failedAttempts, String lastError, long refusedBatches, long serverExpired,
    long serverFuture) {}
