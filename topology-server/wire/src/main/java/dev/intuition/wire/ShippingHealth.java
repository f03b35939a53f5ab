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
 * @param monitoredElsewhere version 2: calls seen from the client side left out because another
 *     agent captures their server (it reports them)
 * @param samplesLeftOut version 2: per container, the samples its budget left out (the most
 *     {@value #MAX_LEFT_OUT} containers)
 */
public record ShippingHealth(long queued, long sent, long dropped, long batches,
    long failedAttempts, String lastError, long refusedBatches, long serverExpired,
    long serverFuture, long monitoredElsewhere, java.util.Map<String, Long> samplesLeftOut) {
  public static final int MAX_LEFT_OUT = 100;

  public ShippingHealth {
    samplesLeftOut = samplesLeftOut == null ? java.util.Map.of() : samplesLeftOut;
  }

  /** Version 1's counters only. */
  public ShippingHealth(long queued, long sent, long dropped, long batches, long failedAttempts,
      String lastError, long refusedBatches, long serverExpired, long serverFuture) {
    this(queued, sent, dropped, batches, failedAttempts, lastError, refusedBatches, serverExpired,
        serverFuture, 0, null);
  }
}
