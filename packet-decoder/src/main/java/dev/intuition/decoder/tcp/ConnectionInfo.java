package dev.intuition.decoder.tcp;

/**
 * What the TCP layer knows about a new connection: its endpoints (A sent the first packet seen) and
 * which side opened it, when the handshake was seen.
 *
 * @param opener who sent the SYN: {@code A}, {@code B}, or unknown when the capture joined mid-stream
 */
public record ConnectionInfo(
    long hiA, long loA, int portA, long hiB, long loB, int portB, Opener opener) {

  public enum Opener { A, B, UNKNOWN }
}
