package dev.intuition.decoder.pcap;

import dev.intuition.decoder.link.LinkType;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes pcapng (little endian, microsecond timestamps) with any number of interfaces, each named, so
 * that frames from several network namespaces can share one file and still say where they were seen.
 * Not thread-safe: callers serialise (the recorder holds a lock).
 */
public final class PcapNgWriter implements Closeable {
  private final OutputStream out;
  private int interfaces;

  public PcapNgWriter(OutputStream out) throws IOException {
    this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
    ByteBuffer shb = block(0x0A0D0D0A, 16);
    shb.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
    write(shb);
  }

  /** Declares an interface; returns its number for {@link #packet}. */
  public int addInterface(LinkType link, int snaplen, String name) throws IOException {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    int nameOption = 4 + ((n.length + 3) & ~3);
    ByteBuffer idb = block(1, 8 + nameOption + 4);
    idb.putShort((short) link.code()).putShort((short) 0).putInt(snaplen);
    idb.putShort((short) 2).putShort((short) n.length).put(n); // if_name
    idb.position(idb.position() + ((4 - n.length % 4) % 4));
    idb.putShort((short) 0).putShort((short) 0); // opt_endofopt
    write(idb);
    return interfaces++;
  }

  public void packet(int iface, long timestampMicros, byte[] frame, int offset, int length,
      int originalLength) throws IOException {
    int padded = (length + 3) & ~3;
    ByteBuffer epb = block(6, 20 + padded);
    epb.putInt(iface).putInt((int) (timestampMicros >>> 32)).putInt((int) timestampMicros)
        .putInt(length).putInt(originalLength).put(frame, offset, length);
    epb.position(epb.position() + padded - length);
    write(epb);
  }

  private static ByteBuffer block(int type, int bodyLength) {
    ByteBuffer b = ByteBuffer.allocate(12 + bodyLength).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(type).putInt(12 + bodyLength);
    return b;
  }

  private void write(ByteBuffer b) throws IOException {
    b.putInt(b.capacity());
    out.write(b.array());
  }

  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
