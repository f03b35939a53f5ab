package dev.intuition.decoder.protocol.postgresql;

import dev.intuition.decoder.protocol.ProtocolSwitch;
import dev.intuition.decoder.DecoderStats.Counter;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.pairing.Pairer;
import dev.intuition.decoder.pairing.Request;
import dev.intuition.decoder.pairing.Response;
import dev.intuition.decoder.protocol.Ascii;
import dev.intuition.decoder.protocol.FramedDirection;
import dev.intuition.decoder.protocol.PairingDecoder;
import dev.intuition.decoder.protocol.SqlText;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PostgreSQL frontend/backend protocol 3.0 (postgresql.org/docs/current/protocol-message-formats.html).
 *
 * <pre>
 *   untyped (startup):  int32 length | int32 code | ...     (StartupMessage, SSLRequest, ...)
 *   typed:              byte type | int32 length (counts itself) | body
 * </pre>
 *
 * A transaction is a simple Query ('Q'), a FunctionCall ('F'), or an extended-query batch up to its Sync
 * (Parse/Bind/Describe/Execute/Sync), answered by everything up to ReadyForQuery ('Z'). Startup,
 * authentication (passwords included) and parameter status are skipped; an SSLRequest answered 'S'
 * means the rest is TLS. An ErrorResponse of severity ERROR, FATAL or PANIC makes the transaction an
 * error with its SQLSTATE as status. Byte counts are whole payloads, ReadyForQuery and
 * ParseComplete included.
 */
public final class PostgresqlDecoder extends PairingDecoder {
  private static final int SSL_REQUEST = 80877103;
  private static final int GSSENC_REQUEST = 80877104;
  private static final int CANCEL_REQUEST = 80877102;
  private static final int PROTOCOL_3 = 196608;
  private static final int MAX_LENGTH = 1 << 30;
  private static final int MAX_STATEMENTS = 256;
  private static final String CLIENT_TYPES = "QPBEDSCHFXdcfp";
  private static final String SERVER_TYPES = "RSKZTDCEIN12345ntsAGHWdcVv";

  private final Frontend frontend = new Frontend();
  private final Backend backend = new Backend();
  /** Prepared statement name to its SQL, so a Bind of an earlier Parse shows the statement. */
  private final Map<String, String> statements = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_STATEMENTS;
    }
  };
  private boolean sslAnswerPending;
  private boolean gssAnswerPending;
  private final int maxContent;

  public PostgresqlDecoder(Pairer pairer, boolean midStream) {
    super(pairer, midStream, "postgresql");
    this.maxContent = ctx.settings().maxMessageBytes();
  }

  @Override
  protected Direction direction(boolean fromClient) {
    return fromClient ? frontend : backend;
  }

  /** Whether bytes start like a frontend message: a startup packet or a Query with its NUL. */
  public static boolean looksLikeFrontend(byte[] b, int off, int len) {
    if (len >= 8) {
      int length = be32(b, off);
      int code = be32(b, off + 4);
      if ((code == SSL_REQUEST || code == GSSENC_REQUEST) && length == 8) {
        return true;
      }
      if (code == PROTOCOL_3 && length >= 8 && length < 10_000) {
        return true;
      }
    }
    if (len >= 6 && (b[off] == 'Q' || b[off] == 'P')) {
      int length = be32(b, off + 1);
      return length >= 5 && length < MAX_LENGTH && (length + 1 > len || b[off + length] == 0);
    }
    return false;
  }

  /** Whether bytes start like backend messages: two well-formed headers in a row, or one ending it. */
  public static boolean looksLikeBackend(byte[] b, int off, int len) {
    int p = off;
    int end = off + len;
    int seen = 0;
    while (p + 5 <= end && seen < 3) {
      if ("RSKZTDCEIN123ntsAGHW".indexOf(b[p]) < 0) {
        return false;
      }
      int length = be32(b, p + 1);
      if (length < 4 || length > (1 << 24) || (b[p] == 'Z' && length != 5)) {
        return false;
      }
      seen++;
      p += 1 + length;
    }
    return seen >= 2 || (seen == 1 && p == end);
  }

  /** Reads typed messages; the subclasses say what each one means. */
  private abstract class Framing extends FramedDirection {
    Framing() {
      super(PostgresqlDecoder.this, midStream);
    }

    abstract boolean knownType(byte type);

    /** Handles a whole message (or its first {@code maxContent} bytes when longer). */
    abstract void message(byte type, byte[] b, int body, int bodyLen, int fullLength, long ts);

    /** Whether a message type's content is read (else it is skipped). */
    abstract boolean wantsContent(byte type);

    /** Reads an untyped message: its length, 0 when incomplete, -1 when it is a typed one. */
    abstract int untyped(byte[] b, int p, int end, long ts);

    /** Whether {@code b[p, end)} starts with whole, well-formed messages (checked up to three). */
    boolean cleanStart(byte[] b, int p, int end) {
      int seen = 0;
      while (p + 5 <= end && seen < 3) {
        int length = be32(b, p + 1);
        if (!knownType(b[p]) || length < 4 || length > MAX_LENGTH) {
          return false;
        }
        seen++;
        p += 1 + length;
      }
      return seen > 0 && (seen == 3 || p >= end);
    }

    boolean untypedExpected() {
      return false;
    }

    @Override
    protected void joinedAt(byte[] b, int p, int end) {
      resync = !cleanStart(b, p, end);
    }

    @Override
    protected int frame(byte[] b, int p, int end, long ts) {
      if (untypedExpected()) {
        int n = untyped(b, p, end, ts);
        if (n >= 0) {
          return n; // 0: incomplete; -1: not an untyped message after all, read as a typed one
        }
      }
      if (end - p < 5) {
        return 0;
      }
      byte type = b[p];
      int length = be32(b, p + 1);
      if (!knownType(type) || length < 4 || length > MAX_LENGTH) {
        decodeError(String.format(java.util.Locale.ROOT, "a message of type 0x%02x and length"
            + " %d (expected a known type and 4 to %d bytes)", type & 0xff, length,
            MAX_LENGTH));
        lostBoundary(ts);
        resync = true;
        return 1;
      }
      int full = 1 + length;
      if (wantsContent(type)) {
        int want = Math.min(full, 5 + maxContent);
        if (end - p < want) {
          return 0;
        }
        if (full > want) {
          ctx.stats().increment(Counter.OVERSIZED_MESSAGES);
        }
        message(type, b, p + 5, want - 5, full, ts);
        skip(full - want);
        return want;
      }
      message(type, b, p + 5, 0, full, ts);
      int k = Math.min(full, end - p);
      skip(full - k);
      return k;
    }
  }

  /** Client to server. */
  private final class Frontend extends Framing {
    private boolean startup = !midStream;
    private Request batch;
    private boolean batchHasParse;

    @Override
    boolean knownType(byte type) {
      return CLIENT_TYPES.indexOf(type) >= 0;
    }

    @Override
    boolean untypedExpected() {
      return startup;
    }

    @Override
    boolean cleanStart(byte[] b, int p, int end) {
      if (end - p >= 8 && looksLikeFrontend(b, p, end - p) && b[p] == 0) {
        startup = true; // the capture missed the SYN but not the startup packet
        return true;
      }
      return super.cleanStart(b, p, end);
    }

    @Override
    boolean wantsContent(byte type) {
      return type == 'Q' || type == 'P' || type == 'B';
    }

    @Override
    int untyped(byte[] b, int p, int end, long ts) {
      if (end - p < 8) {
        return 0;
      }
      int length = be32(b, p);
      int code = be32(b, p + 4);
      if (length < 8 || length > 10_000) {
        startup = false; // not a startup packet after all: read typed messages
        return -1;
      }
      if (end - p < length) {
        return 0;
      }
      switch (code) {
        case SSL_REQUEST -> sslAnswerPending = true;
        case GSSENC_REQUEST -> gssAnswerPending = true;
        case CANCEL_REQUEST -> { }
        default -> startup = false; // StartupMessage: typed messages follow
      }
      return length;
    }

    @Override
    void message(byte type, byte[] b, int body, int bodyLen, int full, long ts) {
      switch (type) {
        case 'Q' -> {
          flushBatch(ts);
          Request r = new Request(ts);
          r.bytes = full;
          sql(r, cstring(b, body, body + bodyLen));
          finish(r, ts);
        }
        case 'F' -> {
          flushBatch(ts);
          Request r = new Request(ts);
          r.bytes = full;
          r.method = "CALL";
          r.query = "function call";
          finish(r, ts);
        }
        case 'P' -> {
          Request r = batch(ts, full);
          int nameEnd = Ascii.indexOf(b, body, body + bodyLen, (byte) 0);
          if (nameEnd >= 0) {
            String name = Ascii.utf8(b, body, nameEnd - body);
            String query = cstring(b, nameEnd + 1, body + bodyLen);
            if (!batchHasParse) {
              sql(r, query);
              batchHasParse = true;
            }
            if (!name.isEmpty()) {
              statements.put(name, query);
            }
          }
        }
        case 'B' -> {
          Request r = batch(ts, full);
          int portalEnd = Ascii.indexOf(b, body, body + bodyLen, (byte) 0);
          if (portalEnd >= 0 && r.query == null) {
            String stmt = cstring(b, portalEnd + 1, body + bodyLen);
            String query = statements.get(stmt);
            if (query != null) {
              sql(r, query);
            }
          }
        }
        case 'S' -> {
          Request r = batch(ts, full);
          batch = null;
          batchHasParse = false;
          finish(r, ts);
        }
        case 'D', 'E', 'C', 'H' -> batch(ts, full);
        case 'd', 'c', 'f' -> {
          Request head = pairer.head(); // COPY FROM STDIN data belongs to the running query
          if (head != null) {
            head.bytes += full;
            head.endMicros = ts;
          }
        }
        default -> { } // 'p' password / SASL messages are never kept; 'X' Terminate
      }
    }

    private Request batch(long ts, int full) {
      if (batch == null) {
        batch = new Request(ts);
      }
      batch.bytes += full;
      batch.endMicros = ts;
      return batch;
    }

    private void flushBatch(long ts) {
      if (batch != null) { // a batch cut short (packet loss before its Sync)
        Request r = batch;
        batch = null;
        batchHasParse = false;
        finish(r, ts);
      }
    }

    private void sql(Request r, String query) {
      String q = ctx.redactor().sql(query);
      r.query = q;
      r.method = SqlText.verb(q);
      r.resource = SqlText.table(q);
    }

    private void finish(Request r, long ts) {
      r.endMicros = ts;
      if (loss) {
        r.note(Pairer.LOSS_IN_REQUEST);
        loss = false;
      }
      pairer.request(r);
    }

    @Override
    protected void lostBoundary(long ts) {
      if (batch == null) {
        batch = new Request(ts);
      }
      batch.note(Pairer.LOSS_IN_REQUEST);
    }

    @Override
    protected int resyncPoint(byte[] b, int p, int end) {
      for (int i = p; i + 5 <= end; i++) {
        byte t = b[i];
        if (t != 'Q' && t != 'P' && t != 'B' && t != 'S' && t != 'E' && t != 'D') {
          continue;
        }
        int length = be32(b, i + 1);
        if (length < 4 || length > maxContent || (t == 'S' && length != 4)) {
          continue;
        }
        int next = i + 1 + length;
        if (t == 'Q' && (next > end || b[next - 1] != 0)) {
          continue;
        }
        if (next == end || (next < end && knownType(b[next]))) {
          return i;
        }
      }
      return -1;
    }
  }

  /** Server to client. */
  private final class Backend extends Framing {
    private Response response;
    private long rowsFromTags = -1;
    private long dataRows;

    @Override
    boolean knownType(byte type) {
      return SERVER_TYPES.indexOf(type) >= 0;
    }

    @Override
    boolean untypedExpected() {
      return sslAnswerPending || gssAnswerPending;
    }

    @Override
    int untyped(byte[] b, int p, int end, long ts) {
      byte answer = b[p];
      boolean gss = gssAnswerPending;
      sslAnswerPending = false;
      gssAnswerPending = false;
      if (answer == 'S' || (gss && answer == 'G')) {
        switchTo(gss ? ProtocolSwitch.GSSAPI : ProtocolSwitch.TLS);
        frontend.startup = false;
        return 1;
      }
      if (answer == 'N') {
        frontend.startup = true; // the client sends its StartupMessage in clear next
        return 1;
      }
      return -1; // an ErrorResponse from an old server: read it as a typed message
    }

    @Override
    boolean wantsContent(byte type) {
      return type == 'E' || type == 'C';
    }

    @Override
    void message(byte type, byte[] b, int body, int bodyLen, int full, long ts) {
      switch (type) {
        case 'R', 'S', 'K', 'N', 'A', 'v' -> { } // authentication, parameters, notices: no reply
        case 'Z' -> {
          Response r = response;
          response = null;
          if (r == null) {
            if (!pairer.hasPending()) {
              return; // end of startup: not a transaction
            }
            r = new Response(ts);
          }
          r.bytes += full;
          r.endMicros = ts;
          if (rowsFromTags >= 0) {
            r.rows = rowsFromTags;
          } else if (dataRows > 0) {
            r.rows = dataRows;
          }
          rowsFromTags = -1;
          dataRows = 0;
          if (r.status == null) {
            r.status = "OK";
          }
          if (loss) {
            r.note(Pairer.LOSS_IN_RESPONSE);
            loss = false;
          }
          pairer.response(r);
        }
        default -> {
          Response r = response(ts);
          r.bytes += full;
          r.endMicros = ts;
          switch (type) {
            case 'D' -> dataRows++;
            case 'C' -> {
              long n = lastNumber(b, body, body + bodyLen);
              if (n >= 0) {
                rowsFromTags = Math.max(0, rowsFromTags) + n;
              }
            }
            case 'E' -> error(r, b, body, body + bodyLen);
            default -> { }
          }
        }
      }
    }

    private Response response(long ts) {
      if (response == null) {
        response = new Response(ts);
      }
      return response;
    }

    private void error(Response r, byte[] b, int p, int end) {
      String severity = null;
      String code = null;
      while (p < end && b[p] != 0) {
        byte field = b[p];
        int z = Ascii.indexOf(b, p + 1, end, (byte) 0);
        if (z < 0) {
          break;
        }
        String value = Ascii.utf8(b, p + 1, z - p - 1);
        if (field == 'V' || (field == 'S' && severity == null)) {
          severity = value;
        } else if (field == 'C') {
          code = value;
        }
        p = z + 1;
      }
      boolean fatal = severity == null || severity.equals("ERROR") || severity.equals("FATAL")
          || severity.equals("PANIC");
      if (fatal && r.outcome != Outcome.ERROR) {
        r.outcome = Outcome.ERROR;
        r.status = code == null ? "ERROR" : code;
      }
    }

    @Override
    protected void lostBoundary(long ts) {
      response = null;
      rowsFromTags = -1;
      dataRows = 0;
      pairer.responseLost(ts);
    }

    @Override
    protected int resyncPoint(byte[] b, int p, int end) {
      for (int i = p; i + 6 <= end; i++) {
        if (b[i] == 'Z' && be32(b, i + 1) == 5
            && (b[i + 5] == 'I' || b[i + 5] == 'T' || b[i + 5] == 'E')) {
          return i + 6; // just after a ReadyForQuery: a response boundary
        }
      }
      return -1;
    }
  }

  private static String cstring(byte[] b, int from, int end) {
    int z = Ascii.indexOf(b, from, end, (byte) 0);
    return Ascii.utf8(b, from, (z < 0 ? end : z) - from);
  }

  private static long lastNumber(byte[] b, int from, int end) {
    int z = Ascii.indexOf(b, from, end, (byte) 0);
    int e = z < 0 ? end : z;
    int s = e;
    while (s > from && b[s - 1] >= '0' && b[s - 1] <= '9') {
      s--;
    }
    return s < e && s > from && b[s - 1] == ' ' ? Ascii.parseDecimal(b, s, e) : -1;
  }

  static int be32(byte[] b, int p) {
    return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
  }
}
