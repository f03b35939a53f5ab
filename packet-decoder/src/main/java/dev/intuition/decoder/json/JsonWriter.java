package dev.intuition.decoder.json;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Streaming JSON (RFC 8259) straight to UTF-8 bytes, with no intermediate strings: the one writer of
 * everything Intuition sends or prints as JSON (transactions, batches, the decode CLI). Members are
 * written with {@link #name}, values with the {@code value} methods; commas are placed by the writer.
 * Strings escape quotes, backslashes, control characters ({@code \n}, {@code \r}, {@code \t}, else
 * {@code \\u00xx} in lower case) and U+2028/U+2029 (line terminators to JavaScript); every other
 * character is written as UTF-8, a surrogate that is not part of a pair as {@code ?} (as
 * {@link String#getBytes} does). Instants are ISO-8601 UTC with exactly six fractional digits.
 *
 * <p>Bytes collect in an internal buffer and reach the stream when it fills, on {@link #flush} and on
 * {@link #close}, or stay in memory for {@link #toByteArray} when there is no stream. Not thread-safe.
 * I/O errors surface as {@link UncheckedIOException}.
 */
public final class JsonWriter implements AutoCloseable {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_DEPTH = 64;

  private final OutputStream out;
  private byte[] buf;
  private int pos;
  /** "yyyy-MM-ddTHH:mm:ss" of {@link #prefixSecond}, the last second written. */
  private static final int PREFIX = 19;
  private final byte[] prefix = new byte[PREFIX];
  private long prefixSecond = Long.MIN_VALUE;
  /** Per open object or array: whether a member or element was written (a comma is due). */
  private final boolean[] started = new boolean[MAX_DEPTH];
  private int depth;
  /** A member name was just written: the next value needs no comma. */
  private boolean afterName;

  /** A writer into memory; {@link #toByteArray} gives the bytes. */
  public JsonWriter() {
    this(null, 512);
  }

  /** A writer into {@code out} through a buffer of {@code bufferSize} bytes. */
  public JsonWriter(OutputStream out, int bufferSize) {
    this.out = out;
    this.buf = new byte[Math.max(64, bufferSize)];
  }

  public JsonWriter beginObject() {
    return open('{');
  }

  public JsonWriter endObject() {
    return close('}');
  }

  public JsonWriter beginArray() {
    return open('[');
  }

  public JsonWriter endArray() {
    return close(']');
  }

  /** A member's name; its value follows. */
  public JsonWriter name(String name) {
    comma();
    string(name);
    put((byte) ':');
    afterName = true;
    return this;
  }

  /**
   * A member's name encoded once, for names written many times (every field of every transaction):
   * written with one copy instead of escaping it character by character, the same bytes as
   * {@link #name(String)} writes.
   */
  public static final class Name {
    private final byte[] bytes;

    private Name(byte[] bytes) {
      this.bytes = bytes;
    }

    /** {@code name} as a JSON string and its colon. */
    public static Name of(String name) {
      JsonWriter w = new JsonWriter();
      w.string(name);
      w.put((byte) ':');
      return new Name(w.toByteArray());
    }

    @Override
    public String toString() {
      return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
    }
  }

  /** A member's name encoded beforehand; its value follows. */
  public JsonWriter name(Name name) {
    comma();
    byte[] b = name.bytes;
    ensure(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
    afterName = true;
    return this;
  }

  public JsonWriter value(String s) {
    if (s == null) {
      return nullValue();
    }
    comma();
    string(s);
    return this;
  }

  public JsonWriter value(long v) {
    comma();
    number(v);
    return this;
  }

  /** A finite number as Java prints it ({@code 1.5}, {@code 1.0E-4}); NaN and infinities as null. */
  public JsonWriter value(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return nullValue();
    }
    comma();
    ascii(Double.toString(v));
    return this;
  }

  public JsonWriter value(boolean v) {
    comma();
    ascii(v ? "true" : "false");
    return this;
  }

  /** An instant as ISO-8601 UTC with exactly six fractional digits, or null. */
  public JsonWriter value(Instant i) {
    if (i == null) {
      return nullValue();
    }
    comma();
    instant(i);
    return this;
  }

  public JsonWriter nullValue() {
    comma();
    ascii("null");
    return this;
  }

  /** {@code name} and its string value, left out when the value is null. */
  public JsonWriter field(String name, String value) {
    return value == null ? this : name(name).value(value);
  }

  /** {@code name} and its number, left out when it is null. */
  public JsonWriter field(String name, Long value) {
    return value == null ? this : name(name).value((long) value);
  }

  public JsonWriter field(String name, long value) {
    return name(name).value(value);
  }

  /** {@code name} and its instant, left out when it is null. */
  public JsonWriter field(String name, Instant value) {
    return value == null ? this : name(name).value(value);
  }

  /** As {@link #field(String, String)} with a name encoded beforehand. */
  public JsonWriter field(Name name, String value) {
    return value == null ? this : name(name).value(value);
  }

  /** As {@link #field(String, Long)} with a name encoded beforehand. */
  public JsonWriter field(Name name, Long value) {
    return value == null ? this : name(name).value((long) value);
  }

  public JsonWriter field(Name name, long value) {
    return name(name).value(value);
  }

  /** As {@link #field(String, Instant)} with a name encoded beforehand. */
  public JsonWriter field(Name name, Instant value) {
    return value == null ? this : name(name).value(value);
  }

  /** Writes a line break between top-level values (JSON Lines). */
  public JsonWriter newline() {
    put((byte) '\n');
    return this;
  }

  /** The bytes written so far (a writer into memory). */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  /** The bytes written so far as text (a writer into memory). */
  @Override
  public String toString() {
    return new String(buf, 0, pos, StandardCharsets.UTF_8);
  }

  /** Forgets what was written, to write the next value into the same memory. */
  public JsonWriter reset() {
    pos = 0;
    depth = 0;
    afterName = false;
    return this;
  }

  public void flush() {
    drain();
    if (out != null) {
      try {
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Flushes; does not close the stream, which belongs to the caller. */
  @Override
  public void close() {
    flush();
  }

  private JsonWriter open(char c) {
    comma();
    if (depth == MAX_DEPTH) {
      throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
    }
    started[depth++] = false;
    put((byte) c);
    return this;
  }

  private JsonWriter close(char c) {
    if (depth == 0) {
      throw new IllegalStateException("nothing to close");
    }
    depth--;
    put((byte) c);
    return this;
  }

  private void comma() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (depth > 0) {
      if (started[depth - 1]) {
        put((byte) ',');
      } else {
        started[depth - 1] = true;
      }
    }
  }

  private void string(String s) {
    int n = s.length();
    put((byte) '"');
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        if (pos == buf.length) {
          ensure(1);
        }
        buf[pos++] = (byte) c;
      } else {
        i = special(s, i, c);
      }
    }
    put((byte) '"');
  }

  /** Writes the character at {@code i} that is not plain ASCII; returns the last index used. */
  private int special(String s, int i, char c) {
    ensure(12);
    switch (c) {
      case '"' -> escape('"');
      case '\\' -> escape('\\');
      case '\n' -> escape('n');
      case '\r' -> escape('r');
      case '\t' -> escape('t');
      default -> {
        if (c < 0x20 || c == 0x2028 || c == 0x2029) {
          buf[pos++] = '\\';
          buf[pos++] = 'u';
          buf[pos++] = HEX[c >> 12 & 0xf];
          buf[pos++] = HEX[c >> 8 & 0xf];
          buf[pos++] = HEX[c >> 4 & 0xf];
          buf[pos++] = HEX[c & 0xf];
        } else if (c < 0x800) {
          buf[pos++] = (byte) (0xc0 | c >> 6);
          buf[pos++] = (byte) (0x80 | c & 0x3f);
        } else if (!Character.isSurrogate(c)) {
          buf[pos++] = (byte) (0xe0 | c >> 12);
          buf[pos++] = (byte) (0x80 | c >> 6 & 0x3f);
          buf[pos++] = (byte) (0x80 | c & 0x3f);
        } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(i + 1));
          buf[pos++] = (byte) (0xf0 | cp >> 18);
          buf[pos++] = (byte) (0x80 | cp >> 12 & 0x3f);
          buf[pos++] = (byte) (0x80 | cp >> 6 & 0x3f);
          buf[pos++] = (byte) (0x80 | cp & 0x3f);
          return i + 1;
        } else {
          buf[pos++] = '?'; // a lone surrogate is no character
        }
      }
    }
    return i;
  }

  private void escape(char c) {
    buf[pos++] = '\\';
    buf[pos++] = (byte) c;
  }

  private void number(long v) {
    if (v == Long.MIN_VALUE) {
      ascii(Long.toString(v));
      return;
    }
    ensure(20);
    if (v < 0) {
      buf[pos++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long p = 10; digits < 19 && v >= p; p *= 10) {
      digits++;
    }
    int end = pos + digits;
    for (int i = end - 1; i >= pos; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    pos = end;
  }

  private void instant(Instant i) {
    long second = i.getEpochSecond();
    if (second != prefixSecond) { // calls come in time order: most share the last one's second
      LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
      int year = t.getYear();
      if (year < 0 || year > 9999) {
        put((byte) '"');
        ascii(TransactionJson.instant(i));
        put((byte) '"');
        return;
      }
      ensure(29); // may flush: the place to format in is taken after it
      int at = pos;
      digits(year, 4);
      buf[pos++] = '-';
      digits(t.getMonthValue(), 2);
      buf[pos++] = '-';
      digits(t.getDayOfMonth(), 2);
      buf[pos++] = 'T';
      digits(t.getHour(), 2);
      buf[pos++] = ':';
      digits(t.getMinute(), 2);
      buf[pos++] = ':';
      digits(t.getSecond(), 2);
      System.arraycopy(buf, at, prefix, 0, PREFIX);
      pos = at;
      prefixSecond = second;
    }
    ensure(29);
    buf[pos++] = '"';
    System.arraycopy(prefix, 0, buf, pos, PREFIX);
    pos += PREFIX;
    buf[pos++] = '.';
    digits(i.getNano() / 1000, 6);
    buf[pos++] = 'Z';
    buf[pos++] = '"';
  }

  private void digits(int v, int width) {
    for (int k = pos + width - 1; k >= pos; k--) {
      buf[k] = (byte) ('0' + v % 10);
      v /= 10;
    }
    pos += width;
  }

  private void ascii(String s) {
    ensure(s.length());
    for (int i = 0; i < s.length(); i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
  }

  private void put(byte b) {
    if (pos == buf.length) {
      ensure(1);
    }
    buf[pos++] = b;
  }

  /** Room for {@code n} more bytes: the buffer drains into the stream, or grows in memory. */
  private void ensure(int n) {
    if (buf.length - pos >= n) {
      return;
    }
    if (out != null) {
      drain();
      if (buf.length >= n) {
        return;
      }
    }
    buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
  }

  private void drain() {
    if (out == null || pos == 0) {
      return;
    }
    try {
      out.write(buf, 0, pos);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pos = 0;
  }
}
