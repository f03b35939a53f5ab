package dev.intuition.decoder.pcap;

import dev.intuition.decoder.link.LinkType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads pcap (tcpdump.org/manpages/pcap-savefile.5.html) and pcapng (IETF draft-ietf-opsawg-pcapng)
 * files, either byte order, micro- or nanosecond pcap timestamps, pcapng per-interface link types and
 * timestamp resolutions. Frames go to a {@link PacketSink} straight from a large read buffer, without a
 * copy per packet. A file cut short (a capture still being written, or a crash) ends with the last whole
 * packet and is reported in {@link Result#truncated()}; a file that is not a capture at all is a
 * {@link CaptureFormatException}.
 */
public final class CaptureReader {
  /** What a read found besides the packets. */
  public record Result(long packets, long unsupportedLinkPackets, boolean truncated, String format) {}

  private static final int PCAP_US = 0xA1B2C3D4;
  private static final int PCAP_NS = 0xA1B23C4D;
  private static final int PCAPNG_SHB = 0x0A0D0D0A;
  private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
  private static final int MAX_BLOCK = 256 * 1024 * 1024;

  private final InputStream in;
  private byte[] buf = new byte[1 << 20];
  private int pos;
  private int limit;
  private boolean eof;

  private CaptureReader(InputStream in) {
    this.in = in;
  }

  public static Result read(Path file, PacketSink sink) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, sink);
    } catch (CaptureFormatException e) {
      throw new CaptureFormatException(file + ": " + e.getMessage());
    }
  }

  public static Result read(InputStream in, PacketSink sink) throws IOException {
    return new CaptureReader(in).run(sink);
  }

  /** Whether the first four bytes are a pcap or pcapng magic number. */
  public static boolean isCapture(byte[] head) {
    if (head.length < 4) {
      return false;
    }
    int be = be32(head, 0);
    int le = Integer.reverseBytes(be);
    return be == PCAP_US || le == PCAP_US || be == PCAP_NS || le == PCAP_NS || be == PCAPNG_SHB;
  }

  private Result run(PacketSink sink) throws IOException {
    if (!fill(4)) {
      throw new CaptureFormatException("empty file: not a pcap or pcapng capture");
    }
    int magic = be32(buf, pos);
    if (magic == PCAPNG_SHB) {
      return pcapng(sink);
    }
    boolean bigEndian;
    boolean nanos;
    if (magic == PCAP_US || magic == PCAP_NS) {
      bigEndian = true;
      nanos = magic == PCAP_NS;
    } else if (Integer.reverseBytes(magic) == PCAP_US || Integer.reverseBytes(magic) == PCAP_NS) {
      bigEndian = false;
      nanos = Integer.reverseBytes(magic) == PCAP_NS;
    } else {
      throw new CaptureFormatException(String.format(Locale.ROOT,
          "not a pcap or pcapng capture (starts with 0x%08x; expected 0xa1b2c3d4, 0xa1b23c4d or "
              + "0x0a0d0d0a)", magic));
    }
    return pcap(sink, bigEndian, nanos);
  }

  /*
   * global header: magic(4) major(2) minor(2) thiszone(4) sigfigs(4) snaplen(4) linktype(4)
   * record header: ts_sec(4) ts_frac(4) incl_len(4) orig_len(4), then incl_len bytes
   */
  private Result pcap(PacketSink sink, boolean bigEndian, boolean nanos) throws IOException {
    if (!fill(24)) {
      throw new CaptureFormatException("pcap global header cut short");
    }
    int linkCode = int32(buf, pos + 20, bigEndian) & 0xFFFF; // upper bits: FCS length flags
    pos += 24;
    LinkType link = LinkType.fromCode(linkCode);
    long packets = 0;
    long unsupported = 0;
    while (true) {
      if (!fill(16)) {
        return new Result(packets, unsupported, limit - pos > 0, "pcap");
      }
      long sec = int32(buf, pos, bigEndian) & 0xFFFF_FFFFL;
      long frac = int32(buf, pos + 4, bigEndian) & 0xFFFF_FFFFL;
      int incl = int32(buf, pos + 8, bigEndian);
      if (incl < 0 || incl > MAX_BLOCK) {
        throw new CaptureFormatException("pcap record " + (packets + 1) + " claims " + incl
            + " bytes: the file is corrupt");
      }
      if (!fill(16 + incl)) {
        return new Result(packets, unsupported, true, "pcap");
      }
      long micros = sec * 1_000_000L + (nanos ? frac / 1000 : frac);
      packets++;
      if (link == null) {
        unsupported++;
      } else {
        sink.packet(0, link, micros, buf, pos + 16, incl);
      }
      pos += 16 + incl;
    }
  }

  /*
   * block: type(4) total_length(4) body total_length(4)
   * SHB body: byte_order_magic(4) major(2) minor(2) section_length(8) options
   * IDB body: linktype(2) reserved(2) snaplen(4) options (if_tsresol = code 9)
   * EPB body: interface(4) ts_high(4) ts_low(4) captured(4) original(4) data (padded to 4) options
   * SPB body: original(4) data
   */
  private Result pcapng(PacketSink sink) throws IOException {
    boolean bigEndian = false;
    List<LinkType> links = new ArrayList<>();
    List<Long> unitsPerSecond = new ArrayList<>();
    List<Integer> snaplens = new ArrayList<>();
    long packets = 0;
    long unsupported = 0;
    while (true) {
      if (!fill(12)) {
        return new Result(packets, unsupported, limit - pos > 0, "pcapng");
      }
      int type = int32(buf, pos, bigEndian);
      if (type == PCAPNG_SHB) {
        int bom = be32(buf, pos + 8);
        if (bom == BYTE_ORDER_MAGIC) {
          bigEndian = true;
        } else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) {
          bigEndian = false;
        } else {
          throw new CaptureFormatException("pcapng section header with a bad byte-order magic");
        }
        links.clear();
        unitsPerSecond.clear();
        snaplens.clear();
      }
      int total = int32(buf, pos + 4, bigEndian);
      if (total < 12 || total > MAX_BLOCK || (total & 3) != 0) {
        throw new CaptureFormatException("pcapng block of type " + type + " has length " + total
            + ": the file is corrupt");
      }
      if (!fill(total)) {
        return new Result(packets, unsupported, true, "pcapng");
      }
      int body = pos + 8;
      int bodyEnd = pos + total - 4;
      switch (type) {
        case 1 -> { // interface description
          links.add(LinkType.fromCode(int16(buf, body, bigEndian)));
          snaplens.add(int32(buf, body + 4, bigEndian));
          unitsPerSecond.add(tsResolution(buf, body + 8, bodyEnd, bigEndian));
        }
        case 6, 2 -> { // enhanced packet, obsolete packet
          boolean enhanced = type == 6;
          int iface = enhanced ? int32(buf, body, bigEndian) : int16(buf, body, bigEndian);
          long ts = (int32(buf, body + 4, bigEndian) & 0xFFFF_FFFFL) << 32
              | (int32(buf, body + 8, bigEndian) & 0xFFFF_FFFFL);
          int captured = int32(buf, body + 12, bigEndian);
          packets++;
          if (iface < 0 || iface >= links.size() || captured < 0
              || body + 20 + captured > bodyEnd) {
            throw new CaptureFormatException("pcapng packet " + packets
                + " names interface " + iface + " or length " + captured + " that do not exist");
          }
          LinkType link = links.get(iface);
          if (link == null) {
            unsupported++;
          } else {
            sink.packet(iface, link, toMicros(ts, unitsPerSecond.get(iface)), buf, body + 20,
                captured);
          }
        }
        case 3 -> { // simple packet: interface 0, no timestamp
          packets++;
          if (links.isEmpty() || links.get(0) == null) {
            unsupported++;
          } else {
            int original = int32(buf, body, bigEndian);
            int snap = snaplens.get(0) == 0 ? Integer.MAX_VALUE : snaplens.get(0);
            int captured = Math.min(Math.min(original, snap), bodyEnd - body - 4);
            sink.packet(0, links.get(0), 0, buf, body + 4, Math.max(0, captured));
          }
        }
        default -> { } // section header, statistics, name resolution, custom: nothing to decode
      }
      pos += total;
    }
  }

  private static long tsResolution(byte[] b, int p, int end, boolean bigEndian) {
    while (p + 4 <= end) {
      int code = int16(b, p, bigEndian);
      int len = int16(b, p + 2, bigEndian);
      if (code == 0) {
        break;
      }
      if (code == 9 && len >= 1) {
        int v = b[p + 4] & 0xFF;
        int exp = v & 0x7F;
        if ((v & 0x80) == 0) {
          return exp > 18 ? 1_000_000L : pow10(exp);
        }
        return exp > 62 ? 1_000_000L : 1L << exp;
      }
      p += 4 + ((len + 3) & ~3);
    }
    return 1_000_000L;
  }

  private static long pow10(int exp) {
    long v = 1;
    for (int i = 0; i < exp; i++) {
      v *= 10;
    }
    return v;
  }

  private static long toMicros(long ts, long unitsPerSecond) {
    if (unitsPerSecond == 1_000_000L) {
      return ts;
    }
    long seconds = Long.divideUnsigned(ts, unitsPerSecond);
    long rest = Long.remainderUnsigned(ts, unitsPerSecond);
    return seconds * 1_000_000L + rest * 1_000_000L / unitsPerSecond;
  }

  /** Makes {@code n} bytes available at {@code pos}; false at end of input. */
  private boolean fill(int n) throws IOException {
    if (limit - pos >= n) {
      return true;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    if (n > buf.length) {
      byte[] grown = new byte[Math.max(n, buf.length * 2)];
      System.arraycopy(buf, 0, grown, 0, limit);
      buf = grown;
    }
    while (limit < n && !eof) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        eof = true;
      } else {
        limit += r;
      }
    }
    return limit - pos >= n;
  }

  private static int be32(byte[] b, int p) {
    return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
  }

  private static int int32(byte[] b, int p, boolean bigEndian) {
    int v = be32(b, p);
    return bigEndian ? v : Integer.reverseBytes(v);
  }

  private static int int16(byte[] b, int p, boolean bigEndian) {
    return bigEndian ? (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF) : (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

}
