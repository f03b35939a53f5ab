package dev.intuition.decoder.pcap;

import java.io.IOException;

/** The file is not a capture this reader understands; the message says what was seen. */
public class CaptureFormatException extends IOException {
  public CaptureFormatException(String message) {
    super(message);
  }
}
