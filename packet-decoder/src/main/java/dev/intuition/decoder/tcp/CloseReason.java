package dev.intuition.decoder.tcp;

/** Why a connection stopped being tracked. */
public enum CloseReason {
  /** Both sides sent FIN. */
  FIN,
  /** A side sent RST. */
  RESET,
  /** No packet for the idle timeout. */
  IDLE,
  /** The connection table was full and this was the least recently active connection. */
  EVICTED,
  /** The capture ended (end of file, or the capture was stopped). */
  END_OF_CAPTURE,
  /** A new SYN reused the same addresses and ports. */
  REUSED
}
