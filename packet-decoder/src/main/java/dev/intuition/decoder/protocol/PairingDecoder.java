package dev.intuition.decoder.protocol;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.pairing.DecoderContext;
import dev.intuition.decoder.pairing.Pairer;
import dev.intuition.decoder.tcp.CloseReason;

/**
 * Base of the request/response decoders: each direction of the connection is read by a
 * {@link Direction} of its own (the client's messages, the server's), both feeding one
 * {@link Pairer}. Owns the dispatch of bytes and gaps to the directions, the switch to another
 * protocol, decode errors with their first reason, and what happens at close.
 */
public abstract class PairingDecoder implements ConnectionDecoder {
  /** One direction of a connection: reads its bytes into messages and handles its gaps. */
  protected interface Direction {
    /** Reads {@code len} bytes; returns how many were used (the rest comes again with more). */
    int data(byte[] buf, int off, int len, long ts);

    /** {@code len} bytes of this direction were not captured. */
    void gap(int len, long ts);
  }

  protected final Pairer pairer;
  protected final DecoderContext ctx;
  /** True when the capture did not see the connection open: both streams may start mid-message. */
  protected final boolean midStream;
  private final String protocolName;
  private ProtocolSwitch switchedTo;

  /** @param protocolName the protocol's name in decode-error reasons */
  protected PairingDecoder(Pairer pairer, boolean midStream, String protocolName) {
    this.pairer = pairer;
    this.ctx = pairer.context();
    this.midStream = midStream;
    this.protocolName = protocolName;
  }

  /** The reader of the client's bytes ({@code true}) or of the server's. */
  protected abstract Direction direction(boolean fromClient);

  @Override
  public final int data(boolean fromClient, byte[] buf, int off, int len, long ts) {
    return direction(fromClient).data(buf, off, len, ts);
  }

  @Override
  public final void gap(boolean fromClient, int len, long ts) {
    direction(fromClient).gap(len, ts);
  }

  @Override
  public final ProtocolSwitch switchedTo() {
    return switchedTo;
  }

  /** The connection now speaks something else: the directions stop reading. */
  protected final void switchTo(ProtocolSwitch to) {
    switchedTo = to;
  }

  /** Whether the connection has switched to another protocol. */
  protected final boolean switched() {
    return switchedTo != null;
  }

  @Override
  public void closed(CloseReason reason, long ts) {
    finishAtClose(ts);
    switch (reason) {
      case FIN, RESET, REUSED -> pairer.drain(Pairer.NO_RESPONSE_CLOSED, Outcome.ERROR);
      case IDLE -> pairer.drain(Pairer.NO_RESPONSE_TIMEOUT, Outcome.ERROR);
      case EVICTED -> pairer.drain("no response: connection table full", Outcome.WARNING);
      case END_OF_CAPTURE -> pairer.drain(Pairer.NO_RESPONSE_END, Outcome.WARNING);
    }
  }

  /** Completes what only the end of the connection completes (an HTTP body that ends at close). */
  protected void finishAtClose(long ts) {}

  @Override
  public void tick(long ts) {
    pairer.expire(ts);
  }

  /** Counts a decode error; {@code reason}: what was seen, and what was expected. */
  protected void decodeError(String reason) {
    ctx.stats().decodeError(protocolName + ": " + reason);
  }
}
