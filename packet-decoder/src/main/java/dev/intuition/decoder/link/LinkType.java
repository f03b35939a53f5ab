package dev.intuition.decoder.link;

/**
 * Link layers the decoder understands, by their LINKTYPE_ number (tcpdump.org link-layer header types).
 * {@link #ipOffset} finds where the IP header starts inside a frame; the IP version comes from the IP
 * header's first nibble, so the link layer only has to say "IP here" or "not IP".
 */
public enum LinkType {
  /** BSD loopback: a 4-byte address family in the capturing host's byte order. */
  NULL(0),
  ETHERNET(1),
  /** Raw IP, under its several historical numbers (DLT_RAW 12 / 14, LINKTYPE_RAW 101). */
  RAW(101),
  /** OpenBSD loopback: like NULL but the family is in network byte order. */
  LOOP(108),
  /** Linux cooked capture v1 ("any" device). */
  LINUX_SLL(113),
  IPV4(228),
  IPV6(229),
  /** Linux cooked capture v2. */
  LINUX_SLL2(276);

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_IPV6 = 0x86DD;
  private static final int ETHERTYPE_VLAN = 0x8100;
  private static final int ETHERTYPE_QINQ = 0x88A8;
  private static final int ETHERTYPE_QINQ_OLD = 0x9100;

  private final int code;

  LinkType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The link type of a pcap / pcapng header value, or null when it is not one we decode. */
  public static LinkType fromCode(int code) {
    return switch (code) {
      case 0 -> NULL;
      case 1 -> ETHERNET;
      case 12, 14, 101 -> RAW;
      case 108 -> LOOP;
      case 113 -> LINUX_SLL;
      case 228 -> IPV4;
      case 229 -> IPV6;
      case 276 -> LINUX_SLL2;
      default -> null;
    };
  }

  /**
   * Offset of the IP header inside the frame {@code b[off, off+len)}, or -1 when the frame carries
   * something else (ARP, LLC, ...) or is too short to tell.
   */
  public int ipOffset(byte[] b, int off, int len) {
    return switch (this) {
      case RAW, IPV4, IPV6 -> len > 0 ? off : -1;
      case NULL -> {
        if (len < 4) {
          yield -1;
        }
        // The family is in host byte order of the capturing machine: accept both orders.
        int le = (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16
            | (b[off + 3] & 0xFF) << 24;
        int be = Integer.reverseBytes(le);
        yield isInetFamily(le) || isInetFamily(be) ? off + 4 : -1;
      }
      case LOOP -> len >= 4 && isInetFamily(be32(b, off)) ? off + 4 : -1;
      case ETHERNET -> ethernet(b, off, len);
      case LINUX_SLL -> len >= 16 && isIp(be16(b, off + 14)) ? off + 16 : -1;
      case LINUX_SLL2 -> len >= 20 && isIp(be16(b, off)) ? off + 20 : -1;
    };
  }

  /*
   * Ethernet II:  dst(6) src(6) type(2) payload
   * 802.1Q:       dst(6) src(6) 0x8100 TCI(2) type(2) payload   (tags may stack: QinQ)
   */
  private static int ethernet(byte[] b, int off, int len) {
    int end = off + len;
    int p = off + 12;
    while (p + 2 <= end) {
      int type = be16(b, p);
      if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
        p += 4;
        continue;
      }
      return isIp(type) && p + 2 < end ? p + 2 : -1;
    }
    return -1;
  }

  private static boolean isIp(int ethertype) {
    return ethertype == ETHERTYPE_IPV4 || ethertype == ETHERTYPE_IPV6;
  }

  // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
  private static boolean isInetFamily(int family) {
    return family == 2 || family == 10 || family == 24 || family == 28 || family == 30;
  }

  private static int be16(byte[] b, int p) {
    return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
  }

  private static int be32(byte[] b, int p) {
    return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
  }
}
