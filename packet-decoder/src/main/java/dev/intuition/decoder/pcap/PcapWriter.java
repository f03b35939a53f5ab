package dev.intuition.decoder.pcap;

import dev.intuition.decoder.link.LinkType;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a classic pcap file (microsecond timestamps, little endian), the format every tool reads.
 * Used to record captures and to generate synthetic ones for tests and benchmarks.
 */
public final class PcapWriter implements Closeable {
  private final OutputStream out;
  private final byte[] header = new byte[16];

  public PcapWriter(OutputStream out, LinkType link, int snaplen) throws IOException {
    this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
    byte[] h = new byte[24];
    le32(h, 0, 0xA1B2C3D4);
    le16(h, 4, 2);
    le16(h, 6, 4);
    le32(h, 16, snaplen);
    le32(h, 20, link.code());
    this.out.write(h);
  }

  public void packet(long timestampMicros, byte[] frame, int offset, int length, int originalLength)
      throws IOException {
    le32(header, 0, (int) (timestampMicros / 1_000_000));
    le32(header, 4, (int) (timestampMicros % 1_000_000));
    le32(header, 8, length);
    le32(header, 12, originalLength);
    out.write(header);
    out.write(frame, offset, length);
  }

  public void packet(long timestampMicros, byte[] frame) throws IOException {
    packet(timestampMicros, frame, 0, frame.length, frame.length);
  }

  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private static void le32(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >>> 8);
    b[p + 2] = (byte) (v >>> 16);
    b[p + 3] = (byte) (v >>> 24);
  }

  private static void le16(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >>> 8);
  }
}
