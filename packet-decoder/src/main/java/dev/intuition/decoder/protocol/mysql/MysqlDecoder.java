package dev.intuition.decoder.protocol.mysql;

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
 * MySQL / MariaDB client/server protocol (dev.mysql.com/doc/dev/mysql-server/latest/PAGE_PROTOCOL.html).
 *
 * <pre>
 *   packet: int<3> payload length (little endian) | int<1> sequence id | payload
 * </pre>
 *
 * The handshake and login (with their password hashes) are skipped; a login that asks for SSL means the
 * rest is TLS. In the command phase a packet with sequence id 0 from the client is a command; the
 * server's answer is read according to that command: OK, ERR, a result set (column count, column
 * definitions, optional EOF, rows, EOF or OK, more results when SERVER_MORE_RESULTS_EXISTS), or a
 * COM_STMT_PREPARE answer. Commands that get no answer (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA,
 * COM_QUIT) make no transaction. Pipelined commands (MariaDB Connector/J) pair in order.
 */
public final class MysqlDecoder extends PairingDecoder {
  static final int COM_QUIT = 0x01;
  static final int COM_INIT_DB = 0x02;
  static final int COM_QUERY = 0x03;
  static final int COM_FIELD_LIST = 0x04;
  static final int COM_STATISTICS = 0x09;
  static final int COM_PING = 0x0e;
  static final int COM_CHANGE_USER = 0x11;
  static final int COM_STMT_PREPARE = 0x16;
  static final int COM_STMT_EXECUTE = 0x17;
  static final int COM_STMT_SEND_LONG_DATA = 0x18;
  static final int COM_STMT_CLOSE = 0x19;
  static final int COM_STMT_RESET = 0x1a;
  static final int COM_SET_OPTION = 0x1b;
  static final int COM_STMT_FETCH = 0x1c;
  static final int COM_RESET_CONNECTION = 0x1f;
  private static final int CLIENT_SSL = 0x0800;
  private static final int CLIENT_DEPRECATE_EOF = 0x0100_0000;
  private static final int SERVER_MORE_RESULTS_EXISTS = 0x0008;
  private static final int CLIENT_MYSQL = 0x0001;
  private static final int MARIADB_CACHE_METADATA = 1 << 4;
  private static final int MAX_STATEMENTS = 256;
  private static final int RESPONSE_PEEK = 512;

  private enum Phase { HANDSHAKE, COMMAND }

  private enum Step { FIRST, COLUMNS, COLUMNS_EOF, ROWS, PREPARE_PARAMS, PREPARE_PARAMS_EOF,
    PREPARE_COLUMNS, PREPARE_COLUMNS_EOF }

  private final ClientPackets client = new ClientPackets();
  private final ServerPackets server = new ServerPackets();
  private final Map<Long, String> statements = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
      return size() > MAX_STATEMENTS;
    }
  };
  private Phase phase;
  private boolean deprecateEof;
  /** MariaDB: a result set's column count is followed by a "metadata follows" byte. */
  private boolean cacheMetadata;
  private String lastPreparedSql;
  private long commandsSinceServerGap = 1;
  private final int maxContent;

  // The response being read.
  private Step step = Step.FIRST;
  private Response response;
  private long remainingDefs;
  private long columnsAfterParams;
  private long rows;
  private long affected = -1;

  public MysqlDecoder(Pairer pairer, boolean midStream) {
    super(pairer, midStream, "mysql");
    this.phase = midStream ? Phase.COMMAND : Phase.HANDSHAKE;
    this.maxContent = ctx.settings().maxMessageBytes();
  }

  @Override
  protected Direction direction(boolean fromClient) {
    return fromClient ? client : server;
  }

  /** Whether bytes start like a server greeting: protocol 10 and a printable version string. */
  public static boolean looksLikeGreeting(byte[] b, int off, int len) {
    if (len < 10 || b[off + 3] != 0 || b[off + 4] != 10) {
      return false;
    }
    int payload = le24(b, off);
    int z = Ascii.indexOf(b, off + 5, Math.min(off + len, off + 5 + 64), (byte) 0);
    return payload > 20 && payload < 1024 && z > off + 5 && Ascii.isPrintable(b, off + 5,
        z - off - 5) && b[off + 5] >= '0' && b[off + 5] <= '9';
  }

  /** Whether bytes start like a command packet: sequence 0, a known command, text where expected. */
  public static boolean looksLikeCommand(byte[] b, int off, int len) {
    if (len < 5 || b[off + 3] != 0) {
      return false;
    }
    int payload = le24(b, off);
    int cmd = b[off + 4] & 0xFF;
    if (payload < 1 || payload > (1 << 24) - 1 || (payload + 4 < len && !nextHeaderPlausible(b,
        off + 4 + payload, off + len))) {
      return false;
    }
    return switch (cmd) {
      case COM_QUERY, COM_STMT_PREPARE, COM_INIT_DB -> payload > 1
          && Ascii.isPrintable(b, off + 5, Math.min(payload - 1, len - 5));
      case COM_PING, COM_QUIT, COM_STATISTICS, COM_RESET_CONNECTION -> payload == 1;
      case COM_STMT_EXECUTE, COM_STMT_CLOSE, COM_STMT_RESET -> payload >= 5;
      default -> false;
    };
  }

  /** Whether bytes start like the first packet of a response: sequence 1, then OK, ERR or a count. */
  public static boolean looksLikeResponse(byte[] b, int off, int len) {
    if (len < 5 || b[off + 3] != 1) {
      return false;
    }
    int payload = le24(b, off);
    int first = b[off + 4] & 0xFF;
    if (payload + 4 > len && payload > 1024) {
      return false;
    }
    if (first == 0xFF) {
      return payload >= 9 && len >= 7 + 1 && b[off + 7] == '#';
    }
    if (first == 0x00) {
      return payload >= 7 && payload < 64;
    }
    return payload == 1 && first < 251 && len >= 9 && b[off + 8] == 2;
  }

  /**
   * A command packet that ends exactly where the data ends or is followed by another packet with
   * sequence id 0: clients send a command alone (or pipelined commands back to back), so this rules out
   * look-alikes inside larger packets.
   */
  static boolean looksLikeWholeCommand(byte[] b, int p, int end) {
    if (!looksLikeCommand(b, p, end - p)) {
      return false;
    }
    int next = p + 4 + le24(b, p);
    return next == end || (next + 4 <= end && b[next + 3] == 0);
  }

  private static boolean nextHeaderPlausible(byte[] b, int p, int end) {
    return p + 4 > end || le24(b, p) < (1 << 24);
  }

  /**
   * What both directions share: the packet framing (a 3-byte length and a sequence number before
   * each payload, payloads over the limit read in part and the rest skipped), gaps, and finding a
   * packet boundary again after one was lost or when the capture joined mid-stream. What a packet
   * means is the direction's: {@link ClientPackets}, {@link ServerPackets}.
   */
  private abstract class Packets extends FramedDirection {
    Packets() {
      super(MysqlDecoder.this, midStream);
    }

    /** How much of a payload is read (the rest is skipped). */
    abstract int readLimit();

    /** One packet: {@code want} of its {@code payload} bytes at {@code b[p..]}. */
    abstract void packet(byte[] b, int p, int want, int payload, int seq, long ts);

    /** Whether a packet of this direction plausibly starts at {@code b[i..end)}. */
    abstract boolean isBoundary(byte[] b, int i, int end);

    @Override
    protected int frame(byte[] b, int p, int end, long ts) {
      if (end - p < 4) {
        return 0;
      }
      int payload = le24(b, p);
      int seq = b[p + 3] & 0xFF;
      int want = Math.min(payload, readLimit());
      if (end - p - 4 < want) {
        return 0;
      }
      packet(b, p + 4, want, payload, seq, ts);
      skip(payload - want);
      return 4 + want;
    }

    @Override
    protected int resyncPoint(byte[] b, int p, int end) {
      for (int i = p; i + 5 <= end; i++) {
        if (isBoundary(b, i, end)) {
          return i;
        }
      }
      return -1;
    }
  }

  /** The client's direction: the login, then commands, each handed to the pairer. */
  private final class ClientPackets extends Packets {
    @Override
    protected void joinedAt(byte[] b, int p, int end) {
      if (looksLikeWholeCommand(b, p, end)) {
        resync = false;
      } else if (end - p >= 36 && b[p + 3] == 1 && le24(b, p) + 4 == end - p) {
        phase = Phase.HANDSHAKE; // a HandshakeResponse: the capture began with the login
        resync = false;
      }
    }

    @Override
    int readLimit() {
      return maxContent;
    }

    @Override
    void packet(byte[] b, int p, int want, int payload, int seq, long ts) {
      if (payload > maxContent) {
        ctx.stats().increment(Counter.OVERSIZED_MESSAGES);
      }
      clientPacket(b, p, want, payload, seq, ts);
    }

    @Override
    boolean isBoundary(byte[] b, int i, int end) {
      return looksLikeWholeCommand(b, i, end);
    }

    @Override
    protected int keepFrom(int p, int end) {
      return Math.max(p, end - 8);
    }

    @Override
    protected void lostBoundary(long ts) {
      Request placeholder = new Request(ts); // stands in for the lost command
      placeholder.kind = COM_QUERY;
      placeholder.note(Pairer.LOSS_IN_REQUEST);
      pairer.request(placeholder);
    }
  }

  /**
   * The server's direction: the greeting, then responses (OK, ERR, result sets), of which only the
   * first bytes of each packet are read.
   */
  private final class ServerPackets extends Packets {
    @Override
    protected void joinedAt(byte[] b, int p, int end) {
      if (looksLikeGreeting(b, p, end - p)) {
        phase = Phase.HANDSHAKE;
        resync = false;
        client.startsHere();
      } else if (looksLikeResponse(b, p, end - p)) {
        resync = false;
      }
    }

    @Override
    int readLimit() {
      return RESPONSE_PEEK;
    }

    @Override
    void packet(byte[] b, int p, int want, int payload, int seq, long ts) {
      serverPacket(b, p, want, payload, seq, ts);
    }

    @Override
    boolean isBoundary(byte[] b, int i, int end) {
      return commandsSinceServerGap > 0 && looksLikeResponse(b, i, end - i);
    }

    @Override
    protected int keepFrom(int p, int end) {
      return commandsSinceServerGap > 0 ? Math.max(p, end - 8) : end;
    }

    @Override
    protected void lostInMessage() {
      if (response != null) {
        response.note(Pairer.LOSS_IN_RESPONSE);
      }
    }

    @Override
    protected void lostBoundary(long ts) {
      resetResponse();
      commandsSinceServerGap = 0;
      pairer.responseLost(ts); // the oldest command's response is reported as lost
    }
  }

  private void clientPacket(byte[] b, int p, int len, int payload, int seq, long ts) {
    if (phase == Phase.HANDSHAKE) {
      if (seq == 1 && len >= 4) { // HandshakeResponse41 / SSLRequest: capability flags first
        int caps = le32(b, p);
        deprecateEof = (caps & CLIENT_DEPRECATE_EOF) != 0;
        // MariaDB clears CLIENT_MYSQL and puts extended capabilities in the last 4 filler bytes
        // (mariadb.com/kb/en/connection/#handshake-response-packet).
        if ((caps & CLIENT_MYSQL) == 0 && len >= 32) {
          cacheMetadata = (le32(b, p + 28) & MARIADB_CACHE_METADATA) != 0;
        }
        if ((caps & CLIENT_SSL) != 0 && payload == 32) {
          switchTo(ProtocolSwitch.TLS);
        }
      }
      return; // login packets (user name, password hash) are never kept
    }
    if (seq != 0 || len == 0) {
      Request head = pairer.head(); // LOCAL INFILE data or the rest of a 16 MiB packet
      if (head != null) {
        head.bytes += 4 + payload;
        head.endMicros = ts;
      }
      return;
    }
    int cmd = b[p] & 0xFF;
    Request r = new Request(ts);
    r.kind = cmd;
    r.bytes = 4 + payload;
    r.endMicros = ts;
    commandsSinceServerGap++;
    switch (cmd) {
      case COM_QUERY, COM_STMT_PREPARE -> {
        String sql = ctx.redactor().sql(Ascii.utf8(b, p + 1, len - 1));
        r.query = sql;
        r.method = SqlText.verb(sql);
        r.resource = SqlText.table(sql);
        if (cmd == COM_STMT_PREPARE) {
          lastPreparedSql = sql;
          r.method = r.method == null ? "PREPARE" : r.method;
        }
      }
      case COM_STMT_EXECUTE -> {
        long id = len >= 5 ? le32(b, p + 1) & 0xFFFF_FFFFL : -1;
        String sql = id == 0xFFFF_FFFFL ? lastPreparedSql : statements.get(id);
        if (sql != null) {
          r.query = sql;
          r.method = SqlText.verb(sql);
          r.resource = SqlText.table(sql);
        } else {
          r.method = "EXECUTE";
          r.query = "EXECUTE statement " + id;
        }
      }
      case COM_INIT_DB -> {
        String db = Ascii.utf8(b, p + 1, len - 1);
        r.method = "USE";
        r.resource = db;
        r.query = "USE " + db;
      }
      case COM_PING -> {
        r.method = "PING";
        r.query = "PING";
      }
      case COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA, COM_QUIT -> {
        return; // no response will come
      }
      case COM_CHANGE_USER -> {
        r.method = "CHANGE USER";
        r.query = "CHANGE USER";
      }
      default -> {
        r.method = commandName(cmd);
        r.query = r.method;
      }
    }
    if (client.takeLoss()) {
      r.note(Pairer.LOSS_IN_REQUEST);
    }
    pairer.request(r);
  }

  private void serverPacket(byte[] b, int p, int len, int payload, int seq, long ts) {
    if (phase == Phase.HANDSHAKE) {
      if (seq == 0) {
        return; // the server greeting
      }
      int first = len > 0 ? b[p] & 0xFF : -1;
      if (first == 0x00) {
        phase = Phase.COMMAND; // login accepted
      } else if (first == 0xFF) {
        decodeError("the server refused the login (ERR to the handshake)"); // it closes
      }
      return;
    }
    Request head = pairer.head();
    if (step == Step.FIRST && head == null && seq != 1) {
      return; // not the start of a response: the rest of one whose command was not seen
    }
    int cmd = head == null ? COM_QUERY : head.kind;
    if (response == null) {
      response = new Response(ts);
    }
    Response r = response;
    r.bytes += 4 + payload;
    r.endMicros = ts;
    int first = len > 0 ? b[p] & 0xFF : -1;
    boolean eof = first == 0xFE && payload < 0xFF_FFFF && (payload < 9 || deprecateEof);
    if (first == 0xFF && (step == Step.FIRST || step == Step.ROWS || eof(step))) {
      error(r, b, p, len);
      complete();
      return;
    }
    switch (step) {
      case FIRST -> {
        if (cmd == COM_STATISTICS) {
          complete();
        } else if (first == 0x00 && cmd == COM_STMT_PREPARE && len >= 9) {
          long preparedId = le32(b, p + 1) & 0xFFFF_FFFFL;
          if (head != null && head.query != null) {
            statements.put(preparedId, head.query);
          }
          long columns = le16(b, p + 5);
          long params = le16(b, p + 7);
          columnsAfterParams = columns;
          if (params > 0) {
            remainingDefs = params;
            step = Step.PREPARE_PARAMS;
          } else if (columns > 0) {
            remainingDefs = columns;
            step = Step.PREPARE_COLUMNS;
          } else {
            complete();
          }
        } else if (first == 0x00 || (first == 0xFE && payload < 9)) {
          int at = 1;
          long[] v = new long[1];
          at = lenenc(b, p, len, at, v);
          if (at > 0 && first == 0x00) {
            affected = affected < 0 ? v[0] : affected + v[0];
            at = lenenc(b, p, len, at, v);
          }
          int status = at > 0 && at + 2 <= len ? le16(b, p + at) : 0;
          if (first == 0xFE) {
            status = len >= 5 ? le16(b, p + 3) : 0;
          }
          if ((status & SERVER_MORE_RESULTS_EXISTS) == 0) {
            complete();
          }
        } else if (first == 0xFB) {
          return; // LOCAL INFILE request: the client sends the file, then the server answers OK
        } else if (cmd == COM_FIELD_LIST) {
          step = Step.COLUMNS;
          remainingDefs = Long.MAX_VALUE; // definitions until EOF
        } else {
          long[] v = new long[1];
          int at = lenenc(b, p, len, 0, v);
          if (at < 0 || v[0] == 0) {
            decodeError("a reply that is neither OK, ERR nor a result set's column count: "
                + Ascii.preview(b, p, p + len));
            complete();
            return;
          }
          remainingDefs = v[0];
          step = Step.COLUMNS;
          if (cacheMetadata && at < len && b[p + at] == 0) {
            step = deprecateEof ? Step.ROWS : Step.COLUMNS_EOF; // definitions cached: none sent
          }
        }
      }
      case COLUMNS -> {
        if (eof && cmd == COM_FIELD_LIST) {
          complete();
        } else if (--remainingDefs == 0) {
          step = deprecateEof ? Step.ROWS : Step.COLUMNS_EOF;
        }
      }
      case COLUMNS_EOF -> {
        step = Step.ROWS;
        if (!eof) {
          rows++; // no EOF after the definitions (CLIENT_DEPRECATE_EOF not seen): a row already
        }
      }
      case ROWS -> {
        if (eof) {
          int status = payload < 9 && len >= 5 ? le16(b, p + 3) : okStatus(b, p, len);
          if ((status & SERVER_MORE_RESULTS_EXISTS) != 0) {
            step = Step.FIRST;
          } else {
            complete();
          }
        } else {
          rows++;
        }
      }
      case PREPARE_PARAMS -> {
        if (--remainingDefs == 0) {
          step = deprecateEof ? afterParams() : Step.PREPARE_PARAMS_EOF;
        }
      }
      case PREPARE_PARAMS_EOF -> {
        step = afterParams();
        if (!eof) {
          serverPacketAgain(b, p, len, payload, seq, ts);
        }
      }
      case PREPARE_COLUMNS -> {
        if (--remainingDefs == 0) {
          if (deprecateEof) {
            complete();
          } else {
            step = Step.PREPARE_COLUMNS_EOF;
          }
        }
      }
      case PREPARE_COLUMNS_EOF -> complete();
    }
  }

  private void serverPacketAgain(byte[] b, int p, int len, int payload, int seq, long ts) {
    if (response == null) {
      return;
    }
    response.bytes -= 4 + payload;
    serverPacket(b, p, len, payload, seq, ts);
  }

  private Step afterParams() {
    if (columnsAfterParams > 0) {
      remainingDefs = columnsAfterParams;
      return Step.PREPARE_COLUMNS;
    }
    complete();
    return Step.FIRST;
  }

  private static boolean eof(Step s) {
    return s == Step.COLUMNS_EOF || s == Step.PREPARE_COLUMNS_EOF || s == Step.PREPARE_PARAMS_EOF;
  }

  /** ERR: 0xFF | int<2> code | '#' | string[5] SQLSTATE | message. */
  private static void error(Response r, byte[] b, int p, int len) {
    int code = len >= 3 ? le16(b, p + 1) : 0;
    String state = len >= 9 && b[p + 3] == '#' ? Ascii.latin1(b, p + 4, 5) : null;
    r.status = state == null ? Integer.toString(code) : code + " (" + state + ")";
    r.outcome = Outcome.ERROR;
  }

  private void complete() {
    Response r = response;
    if (r != null) {
      if (r.outcome != Outcome.ERROR) {
        r.status = "OK";
        if (rows > 0 || step == Step.ROWS) {
          r.rows = rows;
        } else if (affected >= 0) {
          r.rows = affected;
        }
      }
      if (server.takeLoss()) {
        r.note(Pairer.LOSS_IN_RESPONSE);
      }
      pairer.response(r);
    }
    resetResponse();
  }

  private void resetResponse() {
    response = null;
    step = Step.FIRST;
    rows = 0;
    affected = -1;
    remainingDefs = 0;
    columnsAfterParams = 0;
  }

  private static int okStatus(byte[] b, int p, int len) {
    long[] v = new long[1];
    int at = lenenc(b, p, len, 1, v);
    at = at > 0 ? lenenc(b, p, len, at, v) : -1;
    return at > 0 && at + 2 <= len ? le16(b, p + at) : 0;
  }

  /** Reads a length-encoded integer at {@code p + at}; returns the offset after it, or -1. */
  private static int lenenc(byte[] b, int p, int len, int at, long[] out) {
    if (at >= len) {
      return -1;
    }
    int first = b[p + at] & 0xFF;
    if (first < 0xFB) {
      out[0] = first;
      return at + 1;
    }
    int size = switch (first) {
      case 0xFC -> 2;
      case 0xFD -> 3;
      case 0xFE -> 8;
      default -> -1;
    };
    if (size < 0 || at + 1 + size > len) {
      return -1;
    }
    long v = 0;
    for (int i = size - 1; i >= 0; i--) {
      v = v << 8 | (b[p + at + 1 + i] & 0xFF);
    }
    out[0] = v;
    return at + 1 + size;
  }

  private static String commandName(int cmd) {
    return switch (cmd) {
      case COM_FIELD_LIST -> "FIELD LIST";
      case COM_STATISTICS -> "STATISTICS";
      case COM_STMT_RESET -> "RESET STATEMENT";
      case COM_SET_OPTION -> "SET OPTION";
      case COM_STMT_FETCH -> "FETCH";
      case COM_RESET_CONNECTION -> "RESET CONNECTION";
      default -> "COMMAND " + cmd;
    };
  }

  static int le16(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

  static int le24(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16;
  }

  static int le32(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
  }
}
