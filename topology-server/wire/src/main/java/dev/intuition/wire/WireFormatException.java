package dev.intuition.wire;

import java.io.IOException;

/** A body that is JSON but not what the wire format says; the message says what and where. */
public class WireFormatException extends IOException {
  public WireFormatException(String message) {
    super(message);
  }
}
