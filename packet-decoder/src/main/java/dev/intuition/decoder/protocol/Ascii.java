package dev.intuition.decoder.protocol;

import java.nio.charset.StandardCharsets;

/** Scanning and comparing ASCII protocol text inside byte arrays without copying it. */
public final class Ascii {
  private Ascii() {}

  public static int indexOf(byte[] b, int from, int to, byte x) {
    for (int i = from; i < to; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the '\n' that ends the line starting at {@code from}, or -1. */
  public static int lineEnd(byte[] b, int from, int to) {
    return indexOf(b, from, to, (byte) '\n');
  }

  /** A test of one complete line found by {@link #findLine}. */
  @FunctionalInterface
  public interface LineTest {
    /**
     * @param start the line's first byte
     * @param contentEnd where its content ends (before "\r\n" or "\n")
     * @param end the end of the bytes at hand (a test may look past the line)
     */
    boolean test(byte[] b, int start, int contentEnd, int end);
  }

  /**
   * The start of the first complete line in {@code b[from, to)} that passes {@code test}, looking
   * only at line starts ({@code from} itself, or just after a '\n'); -1 when none does.
   */
  public static int findLine(byte[] b, int from, int to, LineTest test) {
    for (int i = from; i < to; i++) {
      if (i > from && b[i - 1] != '\n') {
        continue;
      }
      int nl = lineEnd(b, i, to);
      if (nl < 0) {
        return -1;
      }
      if (test.test(b, i, contentEnd(b, i, nl), to)) {
        return i;
      }
      i = nl; // the next iteration starts after this line
    }
    return -1;
  }

  /** The last index of {@code x} in {@code b[from, to)}, or -1. */
  public static int lastIndexOf(byte[] b, int from, int to, byte x) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  /** Length of a line's content without its terminator ("\r\n" or a bare "\n"). */
  public static int contentEnd(byte[] b, int lineStart, int newline) {
    return newline > lineStart && b[newline - 1] == '\r' ? newline - 1 : newline;
  }

  /**
   * ASCII text as bytes, for the constants the functions below compare with: comparing with a
   * byte array took half the time of comparing with a String character by character (C1 code).
   */
  public static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }

  public static boolean startsWith(byte[] b, int off, int to, byte[] prefix) {
    int n = prefix.length;
    if (to - off < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (b[off + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Case-insensitive comparison of {@code b[off, off+len)} with a lower-case ASCII name. */
  public static boolean equalsLower(byte[] b, int off, int len, byte[] lower) {
    if (len != lower.length) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      int c = b[off + i];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != lower[i]) {
        return false;
      }
    }
    return true;
  }

  public static boolean containsLower(byte[] b, int off, int len, byte[] lower) {
    for (int i = 0; i + lower.length <= len; i++) {
      if (equalsLower(b, off + i, lower.length, lower)) {
        return true;
      }
    }
    return false;
  }

  /** Parses a non-negative decimal number, or returns -1 if the bytes are not one (or overflow). */
  public static long parseDecimal(byte[] b, int off, int to) {
    while (off < to && (b[off] == ' ' || b[off] == '\t')) {
      off++;
    }
    while (to > off && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
      to--;
    }
    if (off >= to || to - off > 18) {
      return -1;
    }
    long v = 0;
    for (int i = off; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** Parses an optionally negative decimal (Redis lengths: "-1"); Long.MIN_VALUE if invalid. */
  public static long parseSigned(byte[] b, int off, int to) {
    if (off < to && b[off] == '-') {
      long v = parseDecimal(b, off + 1, to);
      return v < 0 ? Long.MIN_VALUE : -v;
    }
    long v = parseDecimal(b, off, to);
    return v < 0 ? Long.MIN_VALUE : v;
  }

  public static String latin1(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }

  /** Text that may be UTF-8 (SQL, Redis arguments); malformed sequences become U+FFFD. */
  public static String utf8(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }

  public static boolean isPrintable(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      int c = b[i] & 0xFF;
      if (c < 0x20 && c != '\r' && c != '\n' && c != '\t') {
        return false;
      }
    }
    return true;
  }

  /**
   * Up to 40 bytes from {@code from} as quoted text for a message to people: printable ASCII as it
   * is, other bytes as {@code \xNN}, "..." when there is more.
   */
  public static String preview(byte[] b, int from, int to) {
    StringBuilder sb = new StringBuilder("\"");
    int end = Math.min(to, from + 40);
    for (int i = from; i < end; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        sb.append((char) c);
      } else {
        sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
      }
    }
    return sb.append(to > end ? "\"..." : "\"").toString();
  }
}
