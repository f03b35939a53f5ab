package dev.intuition.decoder.protocol;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.pairing.DecoderContext;
import dev.intuition.decoder.pairing.Pairer;
import dev.intuition.decoder.tcp.CloseReason;

/** Base of the request/response decoders: owns the {@link Pairer} and what happens at close. */
public abstract class PairingDecoder implements ConnectionDecoder {
  protected final Pairer pairer;
  protected final DecoderContext ctx;
  /** True when the capture did not see the connection open: both streams may start mid-message. */
  protected final boolean midStream;

  protected PairingDecoder(Pairer pairer, boolean midStream) {
    this.pairer = pairer;
    this.ctx = pairer.context();
    this.midStream = midStream;
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
    ctx.stats().decodeError(protocolName() + ": " + reason);
  }

  /** The protocol's name in decode-error reasons. */
  protected abstract String protocolName();
}
