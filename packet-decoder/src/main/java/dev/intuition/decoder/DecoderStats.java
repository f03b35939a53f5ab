package dev.intuition.decoder;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counters of what the decoder saw and what it could not use. Single-threaded like the decoder that owns
 * it; {@link #snapshot()} gives an immutable copy for other threads.
 */
public final class DecoderStats {

  /** What is counted. The wire name (lower camel case) is used in summaries and health reports. */
  public enum Counter {
    PACKETS("packets"),
    BYTES("bytes"),
    NON_TCP_PACKETS("nonTcpPackets"),
    MALFORMED_PACKETS("malformedPackets"),
    FRAGMENTED_PACKETS("fragmentedPackets"),
    CONNECTIONS("connections"),
    CONNECTIONS_EVICTED("connectionsEvicted"),
    ENCRYPTED_CONNECTIONS("encryptedConnections"),
    UNKNOWN_PROTOCOL_CONNECTIONS("unknownProtocolConnections"),
    RETRANSMITTED_SEGMENTS("retransmittedSegments"),
    OUT_OF_ORDER_SEGMENTS("outOfOrderSegments"),
    GAPS("gaps"),
    GAP_BYTES("gapBytes"),
    TRANSACTIONS("transactions"),
    HTTP_TRANSACTIONS("httpTransactions"),
    REDIS_TRANSACTIONS("redisTransactions"),
    POSTGRESQL_TRANSACTIONS("postgresqlTransactions"),
    MYSQL_TRANSACTIONS("mysqlTransactions"),
    UNMATCHED_REQUESTS("unmatchedRequests"),
    UNMATCHED_RESPONSES("unmatchedResponses"),
    DECODE_ERRORS("decodeErrors"),
    OVERSIZED_MESSAGES("oversizedMessages"),
    BUFFER_LIMIT_DROPS("bufferLimitDrops"),
    INTERNAL_ERRORS("internalErrors");

    private final String wireName;

    Counter(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    static Counter transactionsOf(Protocol p) {
      return switch (p) {
        case HTTP -> HTTP_TRANSACTIONS;
        case REDIS -> REDIS_TRANSACTIONS;
        case POSTGRESQL -> POSTGRESQL_TRANSACTIONS;
        case MYSQL -> MYSQL_TRANSACTIONS;
        case TLS -> throw new IllegalArgumentException("TLS is never decoded");
      };
    }
  }

  private final long[] values = new long[Counter.values().length];
  private String firstDecodeError;

  /** Stats with these counts and first decode error (totals over several decoders). */
  public static DecoderStats of(Map<Counter, Long> counts, String firstDecodeError) {
    DecoderStats s = new DecoderStats();
    counts.forEach(s::add);
    s.firstDecodeError = firstDecodeError;
    return s;
  }

  public void add(Counter counter, long delta) {
    values[counter.ordinal()] += delta;
  }

  public void increment(Counter counter) {
    values[counter.ordinal()]++;
  }

  public void countTransaction(Protocol protocol) {
    values[Counter.TRANSACTIONS.ordinal()]++;
    values[Counter.transactionsOf(protocol).ordinal()]++;
  }

  /**
   * Counts a decode error and keeps the first one's reason: the protocol, what was seen and what
   * was expected ({@code http: a message head that is not HTTP: "GARBAGE / x"}).
   */
  public void decodeError(String reason) {
    values[Counter.DECODE_ERRORS.ordinal()]++;
    if (firstDecodeError == null) {
      firstDecodeError = reason;
    }
  }

  /** The reason of the first decode error, or null when there was none. */
  public String firstDecodeError() {
    return firstDecodeError;
  }

  public long get(Counter counter) {
    return values[counter.ordinal()];
  }

  public Map<Counter, Long> snapshot() {
    Map<Counter, Long> copy = new EnumMap<>(Counter.class);
    for (Counter c : Counter.values()) {
      copy.put(c, values[c.ordinal()]);
    }
    return copy;
  }

  /** One human-readable line per group, for the end of {@code ./intuition decode}. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "packets %d (%d bytes; %d not TCP, %d malformed, %d fragments)%n",
        get(Counter.PACKETS), get(Counter.BYTES), get(Counter.NON_TCP_PACKETS),
        get(Counter.MALFORMED_PACKETS), get(Counter.FRAGMENTED_PACKETS)));
    sb.append(String.format(Locale.ROOT,
        "connections %d (%d encrypted, %d unknown protocol, %d evicted)%n",
        get(Counter.CONNECTIONS), get(Counter.ENCRYPTED_CONNECTIONS),
        get(Counter.UNKNOWN_PROTOCOL_CONNECTIONS), get(Counter.CONNECTIONS_EVICTED)));
    sb.append(String.format(Locale.ROOT,
        "transactions %d (http %d, redis %d, postgresql %d, mysql %d)%n",
        get(Counter.TRANSACTIONS), get(Counter.HTTP_TRANSACTIONS), get(Counter.REDIS_TRANSACTIONS),
        get(Counter.POSTGRESQL_TRANSACTIONS), get(Counter.MYSQL_TRANSACTIONS)));
    sb.append(String.format(Locale.ROOT,
        "unmatched %d requests, %d responses; gaps %d (%d bytes); %d retransmitted, %d out of order;"
            + " %d decode errors, %d oversized messages, %d buffer-limit drops, %d internal errors",
        get(Counter.UNMATCHED_REQUESTS), get(Counter.UNMATCHED_RESPONSES), get(Counter.GAPS),
        get(Counter.GAP_BYTES), get(Counter.RETRANSMITTED_SEGMENTS),
        get(Counter.OUT_OF_ORDER_SEGMENTS), get(Counter.DECODE_ERRORS),
        get(Counter.OVERSIZED_MESSAGES), get(Counter.BUFFER_LIMIT_DROPS),
        get(Counter.INTERNAL_ERRORS)));
    if (firstDecodeError != null) {
      sb.append(String.format(Locale.ROOT, "%nfirst decode error: %s", firstDecodeError));
    }
    return sb.toString();
  }
}
