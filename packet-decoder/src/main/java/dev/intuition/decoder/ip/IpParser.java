package dev.intuition.decoder.ip;

import dev.intuition.decoder.tcp.TcpSegment;

/**
 * Parses IPv4 (RFC 791) and IPv6 (RFC 8200) headers down to a TCP segment (RFC 9293). IP fragments
 * are reported, not reassembled: TCP stacks avoid fragmentation with path MTU discovery, and the rare
 * fragmented segment becomes a gap in its stream.
 */
public final class IpParser {
  /** What {@link #parse} found. */
  public enum Result { TCP, NOT_TCP, MALFORMED, FRAGMENT }

  private static final int PROTO_TCP = 6;
  private static final long IPV4_MAPPED_PREFIX = 0x0000_FFFF_0000_0000L;

  private IpParser() {}

  /**
   * Parses the IP packet at {@code b[off, end)} into {@code seg}; on {@link Result#TCP} every field of
   * the segment is set (but its timestamp).
   */
  public static Result parse(byte[] b, int off, int end, TcpSegment seg) {
    if (off >= end) {
      return Result.MALFORMED;
    }
    int version = (b[off] & 0xFF) >>> 4;
    return switch (version) {
      case 4 -> ipv4(b, off, end, seg);
      case 6 -> ipv6(b, off, end, seg);
      default -> Result.MALFORMED;
    };
  }

  /*
   *  0      4      8              16                              31
   * |version| IHL |     TOS       |          total length          |
   * |        identification       |flags|     fragment offset      |
   * |     TTL     |   protocol    |        header checksum         |
   * |                        source address                        |
   * |                      destination address                     |
   */
  private static Result ipv4(byte[] b, int off, int end, TcpSegment seg) {
    if (end - off < 20) {
      return Result.MALFORMED;
    }
    int ihl = (b[off] & 0x0F) * 4;
    int total = be16(b, off + 2);
    if (ihl < 20 || end - off < ihl) {
      return Result.MALFORMED;
    }
    if (total == 0) {
      total = end - off; // TCP segmentation offload: the capturing host left the length at 0
    } else if (total < ihl) {
      return Result.MALFORMED;
    }
    if (b[off + 9] != PROTO_TCP) {
      return Result.NOT_TCP;
    }
    int fragment = be16(b, off + 6);
    if ((fragment & 0x3FFF) != 0) { // more-fragments flag or a non-zero offset
      return Result.FRAGMENT;
    }
    seg.srcHi = 0;
    seg.srcLo = IPV4_MAPPED_PREFIX | (be32(b, off + 12) & 0xFFFF_FFFFL);
    seg.dstHi = 0;
    seg.dstLo = IPV4_MAPPED_PREFIX | (be32(b, off + 16) & 0xFFFF_FFFFL);
    return tcp(b, off + ihl, Math.min(end, off + total), total - ihl, seg);
  }

  /*
   * |version| traffic class |            flow label                 |
   * |        payload length        |  next header  |   hop limit    |
   * |                 source address (128 bits)                     |
   * |               destination address (128 bits)                  |
   */
  private static Result ipv6(byte[] b, int off, int end, TcpSegment seg) {
    if (end - off < 40) {
      return Result.MALFORMED;
    }
    int payload = be16(b, off + 4);
    int next = b[off + 6] & 0xFF;
    seg.srcHi = be64(b, off + 8);
    seg.srcLo = be64(b, off + 16);
    seg.dstHi = be64(b, off + 24);
    seg.dstLo = be64(b, off + 32);
    int p = off + 40;
    int remaining = payload == 0 ? end - p : payload; // 0: jumbogram or offload
    // Extension headers (RFC 8200 4.1) in front of TCP.
    for (int hops = 0; hops < 8; hops++) {
      switch (next) {
        case PROTO_TCP -> {
          return tcp(b, p, Math.min(end, p + remaining), remaining, seg);
        }
        case 0, 43, 60 -> { // hop-by-hop, routing, destination options
          if (end - p < 8) {
            return Result.MALFORMED;
          }
          int len = ((b[p + 1] & 0xFF) + 1) * 8;
          next = b[p] & 0xFF;
          p += len;
          remaining -= len;
          if (remaining < 0 || p > end) {
            return Result.MALFORMED;
          }
        }
        case 44 -> {
          return Result.FRAGMENT;
        }
        default -> {
          return Result.NOT_TCP;
        }
      }
    }
    return Result.MALFORMED;
  }

  /*
   * |        source port          |       destination port        |
   * |                       sequence number                         |
   * |                    acknowledgment number                      |
   * | offset| rsvd  |    flags      |            window             |
   */
  private static Result tcp(byte[] b, int off, int end, int declared, TcpSegment seg) {
    if (end - off < 20 || declared < 20) {
      return Result.MALFORMED;
    }
    int dataOffset = ((b[off + 12] & 0xFF) >>> 4) * 4;
    if (dataOffset < 20 || dataOffset > declared || off + dataOffset > end) {
      return Result.MALFORMED;
    }
    seg.srcPort = be16(b, off);
    seg.dstPort = be16(b, off + 2);
    seg.seq = be32(b, off + 4);
    seg.ack = be32(b, off + 8);
    seg.flags = b[off + 13] & 0x3F;
    seg.buffer = b;
    seg.payloadOffset = off + dataOffset;
    seg.payloadLength = declared - dataOffset;
    seg.capturedLength = Math.min(seg.payloadLength, end - seg.payloadOffset);
    return Result.TCP;
  }

  static int be16(byte[] b, int p) {
    return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
  }

  static int be32(byte[] b, int p) {
    return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
  }

  static long be64(byte[] b, int p) {
    return (be32(b, p) & 0xFFFF_FFFFL) << 32 | (be32(b, p + 4) & 0xFFFF_FFFFL);
  }

  /** The textual form of a 128-bit address: dotted quad for IPv4-mapped, else RFC 5952. */
  public static String format(long hi, long lo) {
    if (hi == 0 && (lo >>> 32) == 0xFFFF) {
      return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "."
          + (lo & 0xFF);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
      groups[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
    }
    // RFC 5952 4.2: the longest run (of at least two) of zero groups becomes "::", the first if tied.
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] == 0) {
        int j = i;
        while (j < 8 && groups[j] == 0) {
          j++;
        }
        if (j - i > bestLen) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }
}
