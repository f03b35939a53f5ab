package dev.intuition.decoder.tcp;

/**
 * A TCP segment as parsed out of one captured frame: a mutable view, reused for every packet so that the
 * hot path allocates nothing. Addresses are 128-bit (IPv4 as IPv4-mapped IPv6, RFC 4291 2.5.5.2).
 * {@code payloadLength} is what the IP header declares; {@code capturedLength} is what the capture
 * kept (smaller when the snaplen cut the frame): the difference is a gap of known length.
 */
public final class TcpSegment {
  public static final int FIN = 0x01;
  public static final int SYN = 0x02;
  public static final int RST = 0x04;
  public static final int ACK = 0x10;

  public long srcHi;
  public long srcLo;
  public long dstHi;
  public long dstLo;
  public int srcPort;
  public int dstPort;
  public int seq;
  public int ack;
  public int flags;
  public byte[] buffer;
  public int payloadOffset;
  public int capturedLength;
  public int payloadLength;
  public long timestampMicros;

  public boolean has(int flag) {
    return (flags & flag) != 0;
  }
}
