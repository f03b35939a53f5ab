package dev.intuition.server.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A gzip request body read strictly (RFC 1952): every member's header, compressed data, CRC-32 and
 * length are checked, members may follow each other (section 2.2), and nothing else may follow the
 * last one. {@link java.util.zip.GZIPInputStream} is lenient where an ingest endpoint must not be: it
 * ignores bytes after a member, and a JSON reader that stops at the closing brace never asks it for the
 * trailer, so an empty, header-only, truncated or padded body would pass. Here each of those is a
 * {@link ZipException} naming what is wrong.
 *
 * <pre>
 *   member: +---+---+---+---+---+---+---+---+---+---+
 *           |ID1|ID2|CM |FLG|     MTIME     |XFL|OS | (more-->)     ID1 0x1f, ID2 0x8b, CM 8
 *           +---+---+---+---+---+---+---+---+---+---+
 *           [XLEN, extra] [name\0] [comment\0] [CRC16]   as FLG says (FEXTRA, FNAME, FCOMMENT, FHCRC)
 *           ...deflate data...  | CRC32 (4, LE) | ISIZE (4, LE) |
 * </pre>
 */
final class GzipBody extends InputStream {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int RESERVED = 0xe0;

  private final InputStream in;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private final byte[] buf = new byte[16 * 1024];
  private int pos;
  private int lim;
  private boolean inMember;
  private boolean done;
  private int members;
  private long memberSize;

  GzipBody(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!done) {
      if (!inMember) {
        if (!header()) {
          done = true;
          break;
        }
        continue;
      }
      if (inflater.needsInput()) {
        if (!fill()) {
          throw new ZipException("the gzip body is truncated: it ends inside compressed data");
        }
        inflater.setInput(buf, pos, lim - pos);
      }
      int n;
      try {
        n = inflater.inflate(b, off, len);
      } catch (DataFormatException e) {
        throw new ZipException("the gzip body is corrupt: " + e.getMessage());
      }
      pos = lim - inflater.getRemaining();
      if (n > 0) {
        crc.update(b, off, n);
        memberSize += n;
        return n;
      }
      if (inflater.finished()) {
        trailer();
      } else if (inflater.needsDictionary()) {
        throw new ZipException("the gzip body is corrupt: it asks for a preset dictionary");
      }
    }
    return -1;
  }

  /** Reads a member's header; false at the end of the body after at least one member. */
  private boolean header() throws IOException {
    int id1 = next();
    if (id1 < 0) {
      if (members == 0) {
        throw new ZipException("the body is empty, but Content-Encoding says gzip");
      }
      return false;
    }
    if (id1 != 0x1f || next() != 0x8b) {
      throw new ZipException(members == 0 ? "the body is not gzip (no 1f 8b magic)"
          : "unexpected bytes after the gzip stream");
    }
    if (required() != 8) {
      throw new ZipException("the gzip body uses an unknown compression method");
    }
    int flags = required();
    if ((flags & RESERVED) != 0) {
      throw new ZipException("the gzip header sets reserved flags");
    }
    skip(6); // MTIME, XFL, OS
    if ((flags & FEXTRA) != 0) {
      skip(required() | required() << 8);
    }
    if ((flags & FNAME) != 0) {
      while (required() != 0) { // a zero-terminated file name
      }
    }
    if ((flags & FCOMMENT) != 0) {
      while (required() != 0) { // a zero-terminated comment
      }
    }
    if ((flags & FHCRC) != 0) {
      skip(2);
    }
    inflater.reset();
    crc.reset();
    memberSize = 0;
    if (pos < lim) {
      inflater.setInput(buf, pos, lim - pos);
    }
    inMember = true;
    members++;
    return true;
  }

  private void trailer() throws IOException {
    long expectedCrc = required() | required() << 8 | required() << 16 | (long) required() << 24;
    long expectedSize = required() | required() << 8 | required() << 16 | (long) required() << 24;
    if (expectedCrc != crc.getValue()) {
      throw new ZipException("the gzip body is corrupt: its CRC-32 does not match");
    }
    if (expectedSize != (memberSize & 0xffffffffL)) {
      throw new ZipException("the gzip body is corrupt: its length does not match");
    }
    inMember = false;
  }

  private boolean fill() throws IOException {
    if (pos < lim) {
      return true;
    }
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }

  private int next() throws IOException {
    return fill() ? buf[pos++] & 0xff : -1;
  }

  private int required() throws IOException {
    int b = next();
    if (b < 0) {
      throw new ZipException("the gzip body is truncated: it ends inside a "
          + (inMember ? "trailer" : "header"));
    }
    return b;
  }

  private void skip(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      required();
    }
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }
}
