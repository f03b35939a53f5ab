package dev.intuition.decoder.protocol;

import dev.intuition.decoder.tcp.CloseReason;

/**
 * Decodes one connection's two byte streams into transactions. The contract that keeps every decoder
 * simple and safe:
 * <ul>
 *   <li>{@link #data} consumes a prefix of what it is given, as many whole messages (or skippable body
 *   bytes) as it can, and returns how many bytes it consumed; the caller keeps the rest and presents it
 *   again, followed by the next bytes. A decoder never eats half a frame it still needs.</li>
 *   <li>{@link #gap} says bytes were lost at this point of the stream (the caller has dropped anything it
 *   was keeping for this direction): the decoder skips them inside a body of known length, or else
 *   resynchronises at the next message boundary it can recognise.</li>
 *   <li>Nothing a peer sends can make a decoder throw, loop, or hold more than the configured limits.</li>
 * </ul>
 */
public interface ConnectionDecoder {
  int data(boolean fromClient, byte[] buf, int off, int len, long ts);

  void gap(boolean fromClient, int len, long ts);

  /** The direction ended (FIN) after its last byte was delivered. */
  default void fin(boolean fromClient, long ts) {}

  void closed(CloseReason reason, long ts);

  void tick(long ts);

  /**
   * Non-null once the connection switched to something this decoder does not read (TLS after
   * STARTTLS / SSLRequest, an HTTP CONNECT tunnel, a WebSocket): the caller drops the rest.
   */
  default ProtocolSwitch switchedTo() {
    return null;
  }
}
