package dev.intuition.decoder.tcp;

/**
 * Receives one TCP connection's reassembled byte streams. "A" and "B" are the connection's two
 * endpoints as described by {@link ConnectionInfo}; every call says which side sent the bytes.
 * Data is delivered in sequence order exactly once; bytes that were never captured arrive as a gap of
 * known length at their place in the stream. The buffer passed to {@link #data} is only valid during the
 * call.
 */
public interface StreamListener {
  void data(boolean fromA, byte[] buffer, int offset, int length, long timestampMicros);

  void gap(boolean fromA, int length, long timestampMicros);

  /** The side sent FIN and every byte before it has been delivered. */
  void fin(boolean fromA, long timestampMicros);

  /** The connection is gone; no call follows. */
  void closed(CloseReason reason, long timestampMicros);

  /** Time passed (capture time); lets the listener time out requests. */
  default void tick(long timestampMicros) {}
}
