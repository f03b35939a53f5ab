package dev.intuition.decoder.protocol.http;

import dev.intuition.decoder.protocol.ProtocolSwitch;
import dev.intuition.decoder.DecoderStats.Counter;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.pairing.Pairer;
import dev.intuition.decoder.pairing.Request;
import dev.intuition.decoder.pairing.Response;
import dev.intuition.decoder.protocol.Ascii;
import dev.intuition.decoder.protocol.PairingDecoder;

/**
 * HTTP/1.0 and 1.1 (RFC 9112): keep-alive and pipelining, Content-Length and chunked bodies, bodies that
 * end at close, HEAD / 1xx / 204 / 304 without body (RFC 9112 6.3), interim 1xx responses (100-continue)
 * folded into the final response, and CONNECT / 101 Switching Protocols ending the decoding.
 *
 * <p>Each direction is a state machine. Bodies are skipped, never buffered, except a small
 * form-encoded request body whose fields become {@code params}. Only the Host and X-Forwarded-For header
 * values are kept, so Authorization, Cookie and Set-Cookie never leave the decoder.
 */
public final class HttpDecoder extends PairingDecoder {
  static final int KIND_HEAD = 1;
  static final int KIND_CONNECT = 2;
  /** Longest request or status line accepted while looking for a message boundary. */
  private static final int MAX_LINE = 8 * 1024;
  private static final int MAX_FORM_BYTES = 4 * 1024;
  /** The status codes 100 to 999 as text, made once. */
  private static final String[] STATUS = new String[900];

  static {
    for (int i = 0; i < STATUS.length; i++) {
      STATUS[i] = Integer.toString(100 + i);
    }
  }
  private static final String[] KNOWN_METHODS = {
      "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE", "CONNECT", "PROPFIND",
      "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "PURGE", "REPORT", "SEARCH"};
  private static final byte[][] KNOWN_METHOD_BYTES = new byte[KNOWN_METHODS.length][];

  static {
    for (int i = 0; i < KNOWN_METHODS.length; i++) {
      KNOWN_METHOD_BYTES[i] = Ascii.bytes(KNOWN_METHODS[i]);
    }
  }

  // What the parser compares with, as bytes (Ascii.bytes).
  private static final byte[] HTTP = Ascii.bytes("HTTP/");
  private static final byte[] HTTP_1 = Ascii.bytes("HTTP/1.");
  private static final byte[] HOST = Ascii.bytes("host");
  private static final byte[] CONTENT_TYPE = Ascii.bytes("content-type");
  private static final byte[] CONTENT_LENGTH = Ascii.bytes("content-length");
  private static final byte[] X_FORWARDED_FOR = Ascii.bytes("x-forwarded-for");
  private static final byte[] TRANSFER_ENCODING = Ascii.bytes("transfer-encoding");
  private static final byte[] CHUNKED = Ascii.bytes("chunked");
  private static final byte[] FORM = Ascii.bytes("application/x-www-form-urlencoded");

  private enum State { START, RESYNC, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE }

  private final Requests requests = new Requests();
  private final Responses responses = new Responses();
  private final int maxHead;

  public HttpDecoder(Pairer pairer, boolean midStream) {
    super(pairer, midStream, "http");
    this.maxHead = ctx.settings().maxMessageBytes();
  }

  @Override
  protected Direction direction(boolean fromClient) {
    return fromClient ? requests : responses;
  }

  @Override
  public void fin(boolean fromClient, long ts) {
    if (!fromClient) {
      responses.endOfStream(ts);
    }
  }

  @Override
  protected void finishAtClose(long ts) {
    responses.endOfStream(ts);
  }

  /**
   * A message head's framing, read before anything is committed: its length and the headers that
   * matter. The three constants say why there is none yet.
   */
  private record Head(int length, int startEnd, long contentLength, boolean chunked, boolean form,
      int hostOff, int hostLen, int xffOff, int xffLen) {
    static final Head INCOMPLETE = new Head(0, 0, -1, false, false, -1, 0, -1, 0);
    static final Head MALFORMED = new Head(0, 0, -1, false, false, -1, 0, -1, 0);
    static final Head OVERSIZED = new Head(0, 0, -1, false, false, -1, 0, -1, 0);
  }

  /**
   * What both directions share: the message framing of RFC 9112 (heads, Content-Length and chunked
   * bodies, bodies that end at close), gaps, and the search for the next message after a lost
   * boundary. What a message means is the direction's: {@link Requests}, {@link Responses}.
   */
  private abstract class Framing implements Direction {
    State state = midStream ? State.RESYNC : State.START;
    long remaining;
    /** Bytes of the message being read, head included. */
    long bytes;
    /** Whether bytes of the message being read were not captured. */
    boolean loss;

    /** Takes a complete head at {@code b[p..]}; false when its start line is not this direction's. */
    abstract boolean start(Head head, byte[] b, int p, long ts);

    /** The message being read is complete (as far as it was seen). */
    abstract void finish(long ts);

    /** A message boundary was lost: keep the pairing in step, forget the message being read. */
    abstract void lost(long ts);

    /** Whether a start line of this direction is at {@code b[p, end)} (one line, no newline). */
    abstract boolean isStartLine(byte[] b, int p, int end);

    /** Whether {@code b[p, end)} (the stream's last bytes) may be the beginning of a start line. */
    abstract boolean mayBeginStartLine(byte[] b, int p, int end);

    /** Body bytes as they pass (skipped unless the direction keeps some). */
    void body(byte[] b, int p, int k) {}

    @Override
    public int data(byte[] b, int off, int len, long ts) {
      int p = off;
      int end = off + len;
      while (p < end && !switched()) {
        switch (state) {
          case START -> {
            while (p < end && (b[p] == '\r' || b[p] == '\n')) {
              p++; // RFC 9112 2.2: ignore empty lines before a message
            }
            if (p == end) {
              break;
            }
            Head head = head(b, p, end);
            if (head == Head.INCOMPLETE) {
              return p - off;
            }
            if (head == Head.MALFORMED || head == Head.OVERSIZED || !start(head, b, p, ts)) {
              decodeError("a message head that is not HTTP/1.x: " + Ascii.preview(b, p, end));
              if (head == Head.OVERSIZED) {
                ctx.stats().increment(Counter.OVERSIZED_MESSAGES);
              }
              boundaryLost(ts);
              p++; // the resync scan will not match the same start again
            } else {
              p += head.length();
            }
          }
          case RESYNC -> {
            int s = Ascii.findLine(b, p, end, (x, start, contentEnd, e) -> isStartLine(x, start,
                contentEnd));
            if (s >= 0) {
              p = s;
              state = State.START;
              continue;
            }
            int lastNewline = Ascii.lastIndexOf(b, p, end, (byte) '\n');
            if (lastNewline >= 0) {
              p = lastNewline + 1;
            }
            // Keep the last partial line only if a start line may be beginning there.
            if (end - p > MAX_LINE || !mayBeginStartLine(b, p, end)) {
              p = end;
            }
            return p - off;
          }
          case BODY -> {
            int k = (int) Math.min(remaining, end - p);
            body(b, p, k);
            p += k;
            bytes += k;
            remaining -= k;
            if (remaining == 0) {
              complete(ts);
            }
          }
          case CHUNK_SIZE -> {
            int nl = Ascii.lineEnd(b, p, end);
            if (nl < 0) {
              if (end - p > MAX_LINE) {
                decodeError("a chunk-size line of more than " + MAX_LINE + " bytes");
                lostInBody(ts);
                p = end;
              }
              return p - off;
            }
            int ce = Ascii.contentEnd(b, p, nl);
            int semi = Ascii.indexOf(b, p, ce, (byte) ';'); // chunk extensions
            long size = parseHex(b, p, semi < 0 ? ce : semi);
            if (size < 0) {
              decodeError("a chunk size that is not hexadecimal: " + Ascii.preview(b, p, ce));
              lostInBody(ts);
              p = nl + 1;
              continue;
            }
            bytes += nl + 1 - p;
            p = nl + 1;
            if (size == 0) {
              state = State.TRAILERS;
            } else {
              remaining = size;
              state = State.CHUNK_DATA;
            }
          }
          case CHUNK_DATA -> {
            int k = (int) Math.min(remaining, end - p);
            body(b, p, k);
            p += k;
            bytes += k;
            remaining -= k;
            if (remaining == 0) {
              state = State.CHUNK_END;
            }
          }
          case CHUNK_END -> {
            int nl = Ascii.lineEnd(b, p, end);
            if (nl < 0) {
              if (end - p >= 2) { // not CRLF where the chunk should end
                decodeError("no CRLF where a chunk ends: " + Ascii.preview(b, p, end));
                lostInBody(ts);
                continue;
              }
              return p - off;
            }
            bytes += nl + 1 - p;
            p = nl + 1;
            state = State.CHUNK_SIZE;
          }
          case TRAILERS -> {
            int nl = Ascii.lineEnd(b, p, end);
            if (nl < 0) {
              if (end - p > maxHead) {
                decodeError("trailers of more than " + maxHead + " bytes");
                lostInBody(ts);
                p = end;
              }
              return p - off;
            }
            boolean empty = Ascii.contentEnd(b, p, nl) == p;
            bytes += nl + 1 - p;
            p = nl + 1;
            if (empty) {
              complete(ts);
            }
          }
          case UNTIL_CLOSE -> {
            bytes += end - p;
            p = end;
            untilClose(ts);
          }
        }
      }
      if (switched()) {
        return len; // the rest is another protocol
      }
      return p - off;
    }

    /** More of a body that ends at close arrived at {@code ts}. */
    void untilClose(long ts) {}

    /** Reads the head at {@code b[p..]} up to its empty line; nothing is committed. */
    private Head head(byte[] b, int p, int end) {
      int lineEnd = Ascii.lineEnd(b, p, end);
      if (lineEnd < 0) {
        return end - p > maxHead ? Head.OVERSIZED : Head.INCOMPLETE;
      }
      int startEnd = Ascii.contentEnd(b, p, lineEnd);
      int line = lineEnd + 1;
      long contentLength = -1;
      boolean chunked = false;
      boolean form = false;
      int hostOff = -1;
      int hostLen = 0;
      int xffOff = -1;
      int xffLen = 0;
      while (true) {
        int nl = Ascii.lineEnd(b, line, end);
        if (nl < 0) {
          return end - p > maxHead ? Head.OVERSIZED : Head.INCOMPLETE;
        }
        int ce = Ascii.contentEnd(b, line, nl);
        if (ce == line) {
          line = nl + 1;
          break;
        }
        int colon = Ascii.indexOf(b, line, ce, (byte) ':');
        if (colon > line) {
          int nameLen = colon - line;
          int v = colon + 1;
          while (v < ce && (b[v] == ' ' || b[v] == '\t')) {
            v++;
          }
          int ve = ce;
          while (ve > v && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
            ve--;
          }
          switch (nameLen) {
            case 4 -> {
              if (Ascii.equalsLower(b, line, 4, HOST)) {
                hostOff = v;
                hostLen = ve - v;
              }
            }
            case 12 -> {
              if (Ascii.equalsLower(b, line, 12, CONTENT_TYPE)) {
                form = Ascii.containsLower(b, v, ve - v, FORM);
              }
            }
            case 14 -> {
              if (Ascii.equalsLower(b, line, 14, CONTENT_LENGTH)) {
                long cl = Ascii.parseDecimal(b, v, ve);
                if (cl < 0 || (contentLength >= 0 && cl != contentLength)) {
                  return Head.MALFORMED; // RFC 9112 6.3: invalid or conflicting Content-Length
                }
                contentLength = cl;
              }
            }
            case 15 -> {
              if (Ascii.equalsLower(b, line, 15, X_FORWARDED_FOR)) {
                int comma = Ascii.indexOf(b, v, ve, (byte) ',');
                xffOff = v;
                xffLen = (comma < 0 ? ve : comma) - v;
              }
            }
            case 17 -> {
              if (Ascii.equalsLower(b, line, 17, TRANSFER_ENCODING)) {
                chunked = Ascii.containsLower(b, v, ve - v, CHUNKED);
              }
            }
            default -> { }
          }
        }
        line = nl + 1;
        if (line - p > maxHead) {
          return Head.OVERSIZED;
        }
      }
      return new Head(line - p, startEnd, contentLength, chunked, form, hostOff, hostLen, xffOff,
          xffLen);
    }

    void startBody(long contentLength, boolean chunked, boolean untilClose, long ts) {
      if (chunked) {
        state = State.CHUNK_SIZE;
      } else if (contentLength > 0) {
        remaining = contentLength;
        state = State.BODY;
      } else if (contentLength < 0 && untilClose) {
        state = State.UNTIL_CLOSE; // RFC 9112 6.3 rule 8: read until the connection closes
      } else {
        complete(ts);
      }
    }

    void complete(long ts) {
      state = State.START;
      finish(ts);
    }

    @Override
    public void gap(int len, long ts) {
      switch (state) {
        case BODY, CHUNK_DATA -> {
          loss = true;
          if (len <= remaining) {
            remaining -= len;
            bytes += len;
            if (remaining == 0) {
              if (state == State.BODY) {
                complete(ts);
              } else {
                state = State.CHUNK_END;
              }
            }
            return;
          }
          bytes += remaining;
          complete(ts); // the message is over; the bytes after it belonged to a lost message
          boundaryLost(ts);
        }
        case UNTIL_CLOSE -> {
          loss = true;
          bytes += len;
        }
        case CHUNK_SIZE, CHUNK_END, TRAILERS -> lostInBody(ts);
        case START -> boundaryLost(ts);
        case RESYNC -> { }
      }
    }

    /** The body's framing is lost: finish the message as far as known and look for the next one. */
    private void lostInBody(long ts) {
      loss = true;
      complete(ts);
      state = State.RESYNC;
    }

    /**
     * A message boundary was lost: at least one message (or its start) is gone. The direction keeps
     * the FIFO in step ({@link #lost}); then the next start line is looked for.
     */
    private void boundaryLost(long ts) {
      lost(ts);
      state = State.RESYNC;
    }
  }

  /** The client's direction: requests, each handed to the pairer as its head arrives. */
  private final class Requests extends Framing {
    private Request request;
    private byte[] form;
    private int formLength;

    @Override
    boolean start(Head h, byte[] b, int p, long ts) {
      int startEnd = h.startEnd();
      int sp1 = Ascii.indexOf(b, p, startEnd, (byte) ' ');
      int sp2 = Ascii.lastIndexOf(b, p, startEnd, (byte) ' ');
      if (sp1 <= p || sp2 <= sp1 + 1 || !Ascii.startsWith(b, sp2 + 1, startEnd, HTTP)
          || !isToken(b, p, sp1)) {
        return false;
      }
      Request r = new Request(ts);
      r.method = method(b, p, sp1 - p);
      String target = Ascii.latin1(b, sp1 + 1, sp2 - sp1 - 1);
      r.resource = path(target);
      r.query = r.method + " " + ctx.redactor().formFields(target);
      r.host = h.hostOff() >= 0 ? Ascii.latin1(b, h.hostOff(), h.hostLen()) : null;
      r.forwardedFor = h.xffOff() >= 0 ? Ascii.latin1(b, h.xffOff(), h.xffLen()).trim() : null;
      r.kind = switch (r.method) {
        case "HEAD" -> KIND_HEAD;
        case "CONNECT" -> KIND_CONNECT;
        default -> 0;
      };
      r.bytes = h.length();
      r.endMicros = ts;
      request = r;
      bytes = h.length();
      loss = false;
      formLength = 0;
      form = h.form() && !h.chunked() && h.contentLength() > 0
          && h.contentLength() <= MAX_FORM_BYTES ? new byte[(int) h.contentLength()] : null;
      pairer.request(r);
      startBody(h.contentLength(), h.chunked(), false, ts);
      return true;
    }

    @Override
    void body(byte[] b, int p, int k) {
      if (form != null) {
        int n = Math.min(k, form.length - formLength);
        System.arraycopy(b, p, form, formLength, n);
        formLength += n;
      }
    }

    @Override
    void finish(long ts) {
      Request r = request;
      request = null;
      if (r != null) {
        r.bytes = bytes;
        r.endMicros = ts;
        if (loss) {
          r.note(Pairer.LOSS_IN_REQUEST);
        }
        if (form != null && formLength == form.length) {
          r.params = ctx.redactor().formFields(Ascii.latin1(form, 0, formLength));
        }
      }
      form = null;
    }

    @Override
    void lost(long ts) {
      Request placeholder = new Request(ts); // stands in for the lost request
      placeholder.note(Pairer.LOSS_IN_REQUEST);
      pairer.request(placeholder);
      request = null;
      form = null;
    }

    @Override
    boolean isStartLine(byte[] b, int p, int end) {
      return looksLikeRequestLine(b, p, end);
    }

    @Override
    boolean mayBeginStartLine(byte[] b, int p, int end) {
      int sp = Ascii.indexOf(b, p, end, (byte) ' ');
      if (sp < 0) { // a method may be cut: every byte so far must be an upper-case letter
        for (int i = p; i < end; i++) {
          if (b[i] < 'A' || b[i] > 'Z') {
            return false;
          }
        }
        return end - p <= 10;
      }
      return knownMethod(b, p, sp - p) != null;
    }
  }

  /**
   * The server's direction: responses, each handed to the pairer when complete; interim 1xx
   * responses are part of the final response's bytes and start time.
   */
  private final class Responses extends Framing {
    private Response response;
    private long interimBytes;
    private long interimStart = -1;

    @Override
    boolean start(Head h, byte[] b, int p, long ts) {
      int startEnd = h.startEnd();
      // HTTP/1.1 SP 3DIGIT SP reason
      if (!Ascii.startsWith(b, p, startEnd, HTTP) || startEnd - p < 12 || b[p + 8] != ' ') {
        return false;
      }
      long code = Ascii.parseDecimal(b, p + 9, p + 12);
      if (code < 100 || code > 999 || (startEnd > p + 12 && b[p + 12] != ' ')) {
        return false;
      }
      Request head = pairer.head();
      if (code >= 100 && code < 200 && code != 101) {
        interimBytes += h.length(); // 100 Continue and friends: the final response follows
        if (interimStart < 0) {
          interimStart = ts;
        }
        return true;
      }
      Response r = new Response(interimStart >= 0 ? interimStart : ts);
      r.status = STATUS[(int) code - 100];
      r.outcome = code >= 500 ? Outcome.ERROR : code >= 400 ? Outcome.WARNING : Outcome.OK;
      r.endMicros = ts;
      response = r;
      bytes = h.length() + interimBytes;
      interimBytes = 0;
      interimStart = -1;
      loss = false;
      boolean headRequest = head != null && head.kind == KIND_HEAD;
      boolean tunnel = code == 101
          || (head != null && head.kind == KIND_CONNECT && code >= 200 && code < 300);
      boolean noBody = headRequest || code == 204 || code == 304 || code == 101 || tunnel;
      if (noBody) {
        complete(ts);
        if (tunnel) {
          switchTo(code == 101 ? ProtocolSwitch.UPGRADE : ProtocolSwitch.TUNNEL);
        }
        return true;
      }
      startBody(h.contentLength(), h.chunked(), true, ts);
      return true;
    }

    @Override
    void untilClose(long ts) {
      if (response != null) {
        response.endMicros = ts;
      }
    }

    @Override
    void finish(long ts) {
      Response r = response;
      response = null;
      if (r != null) {
        r.bytes = bytes;
        r.endMicros = ts;
        if (loss) {
          r.note(Pairer.LOSS_IN_RESPONSE);
        }
        pairer.response(r);
      }
    }

    @Override
    void lost(long ts) {
      pairer.responseLost(ts); // the oldest request's response is reported as lost
      interimBytes = 0;
      interimStart = -1;
      response = null;
    }

    /** The server closed (or the connection ended): a body that ends at close is complete. */
    void endOfStream(long ts) {
      if (state == State.UNTIL_CLOSE) {
        complete(ts);
      } else if (response != null) {
        response.note("response truncated by close");
        complete(ts);
      }
    }

    @Override
    boolean isStartLine(byte[] b, int p, int end) {
      return looksLikeStatusLine(b, p, end);
    }

    @Override
    boolean mayBeginStartLine(byte[] b, int p, int end) {
      String prefix = "HTTP/1.";
      for (int i = p; i < end && i - p < prefix.length(); i++) {
        if (b[i] != prefix.charAt(i - p)) {
          return false;
        }
      }
      return true;
    }
  }

  static boolean looksLikeRequestLine(byte[] b, int p, int end) {
    int sp = Ascii.indexOf(b, p, Math.min(end, p + 12), (byte) ' ');
    if (sp < 0 || knownMethod(b, p, sp - p) == null) {
      return false;
    }
    int last = Ascii.lastIndexOf(b, sp + 1, end, (byte) ' ');
    return last > sp && Ascii.startsWith(b, last + 1, end, HTTP_1);
  }

  static boolean looksLikeStatusLine(byte[] b, int p, int end) {
    return end - p >= 12 && Ascii.startsWith(b, p, end, HTTP_1) && b[p + 8] == ' '
        && Ascii.parseDecimal(b, p + 9, p + 12) >= 100;
  }

  /** Whether the bytes start like an HTTP request ("GET /") for protocol detection. */
  public static boolean looksLikeRequestStart(byte[] b, int off, int len) {
    int sp = Ascii.indexOf(b, off, Math.min(off + len, off + 12), (byte) ' ');
    return sp > off && knownMethod(b, off, sp - off) != null && sp + 1 < off + len
        && (b[sp + 1] == '/' || b[sp + 1] == '*' || b[sp + 1] == 'h' || Character.isLetterOrDigit(
            b[sp + 1]));
  }

  public static boolean looksLikeResponseStart(byte[] b, int off, int len) {
    return Ascii.startsWith(b, off, off + len, HTTP_1) && len >= 9 && b[off + 8] == ' ';
  }

  private static String knownMethod(byte[] b, int off, int len) {
    for (int i = 0; i < KNOWN_METHODS.length; i++) {
      if (KNOWN_METHOD_BYTES[i].length == len && Ascii.startsWith(b, off, off + len,
          KNOWN_METHOD_BYTES[i])) {
        return KNOWN_METHODS[i];
      }
    }
    return null;
  }

  private static String method(byte[] b, int off, int len) {
    String known = knownMethod(b, off, len);
    return known != null ? known : Ascii.latin1(b, off, len);
  }

  private static boolean isToken(byte[] b, int off, int end) {
    for (int i = off; i < end; i++) {
      int c = b[i] & 0xFF;
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return end > off;
  }

  /** The path of a request target: origin-form "/a?b", absolute-form "http://h/a?b", or "*". */
  static String path(String target) {
    String t = target;
    int scheme = t.indexOf("://");
    if (scheme > 0 && scheme < 8) {
      int slash = t.indexOf('/', scheme + 3);
      t = slash < 0 ? "/" : t.substring(slash);
    }
    int q = t.indexOf('?');
    return q >= 0 ? t.substring(0, q) : t;
  }

  private static long parseHex(byte[] b, int off, int to) {
    while (off < to && (b[off] == ' ' || b[off] == '\t')) {
      off++;
    }
    while (to > off && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
      to--;
    }
    if (off >= to || to - off > 15) {
      return -1;
    }
    long v = 0;
    for (int i = off; i < to; i++) {
      int d = Character.digit(b[i], 16);
      if (d < 0) {
        return -1;
      }
      v = v << 4 | d;
    }
    return v;
  }

}
