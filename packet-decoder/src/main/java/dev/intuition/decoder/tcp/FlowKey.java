package dev.intuition.decoder.tcp;

/**
 * Identifies a TCP connection independently of direction: the two endpoints in a canonical order
 * (lower address, then lower port, first).
 */
record FlowKey(long hiA, long loA, int portA, long hiB, long loB, int portB) {

  static FlowKey of(TcpSegment s) {
    if (isLower(s.srcHi, s.srcLo, s.srcPort, s.dstHi, s.dstLo, s.dstPort)) {
      return new FlowKey(s.srcHi, s.srcLo, s.srcPort, s.dstHi, s.dstLo, s.dstPort);
    }
    return new FlowKey(s.dstHi, s.dstLo, s.dstPort, s.srcHi, s.srcLo, s.srcPort);
  }

  /** Whether the segment belongs to this connection, in either direction. */
  boolean matches(TcpSegment s) {
    return s.srcLo == loA && s.dstLo == loB && s.srcPort == portA && s.dstPort == portB
        && s.srcHi == hiA && s.dstHi == hiB
        || s.srcLo == loB && s.dstLo == loA && s.srcPort == portB && s.dstPort == portA
        && s.srcHi == hiB && s.dstHi == hiA;
  }

  /** Whether the segment was sent by endpoint A. */
  boolean sentByA(TcpSegment s) {
    return s.srcLo == loA && s.srcHi == hiA && s.srcPort == portA;
  }

  private static boolean isLower(long hi1, long lo1, int p1, long hi2, long lo2, int p2) {
    if (hi1 != hi2) {
      return Long.compareUnsigned(hi1, hi2) < 0;
    }
    if (lo1 != lo2) {
      return Long.compareUnsigned(lo1, lo2) < 0;
    }
    return p1 <= p2;
  }

  /**
   * Written out (one lookup per packet): the record's generated equals goes through method handles,
   * slow in interpreted and C1 code, at the start of every decode.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof FlowKey k && loA == k.loA && loB == k.loB && portA == k.portA
        && portB == k.portB && hiA == k.hiA && hiB == k.hiB;
  }

  @Override
  public int hashCode() {
    long h = loA * 0x9E3779B97F4A7C15L ^ loB * 0xC2B2AE3D27D4EB4FL ^ hiA ^ (hiB << 1);
    h ^= ((long) portA << 16 | portB) * 0x165667B19E3779F9L;
    return (int) (h ^ (h >>> 32));
  }
}
