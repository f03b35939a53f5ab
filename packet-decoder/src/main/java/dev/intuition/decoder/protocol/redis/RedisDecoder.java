package dev.intuition.decoder.protocol.redis;

import dev.intuition.decoder.protocol.ProtocolSwitch;
import dev.intuition.decoder.DecoderStats.Counter;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.pairing.Pairer;
import dev.intuition.decoder.pairing.Request;
import dev.intuition.decoder.pairing.Response;
import dev.intuition.decoder.protocol.Ascii;
import dev.intuition.decoder.protocol.PairingDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Redis RESP2 and RESP3 (redis.io/docs/reference/protocol-spec): commands as arrays of bulk strings or
 * inline lines, replies of every type (nested aggregates streamed, never buffered whole), pipelining,
 * error replies ({@code -ERR ...}, blob errors) as outcome error, pub/sub confirmations and pushes kept
 * out of the request/response pairing.
 */
public final class RedisDecoder extends PairingDecoder {
  private static final int MAX_DEPTH = 64;
  private static final int MAX_LINE = 64 * 1024;
  private static final int MAX_ARGS = 32;
  private static final int ARG_PREFIX = 256;
  private static final int QUERY_ARG_CHARS = 64;
  private static final Set<String> NO_KEY = Set.of(
      "PING", "ECHO", "AUTH", "HELLO", "SELECT", "INFO", "CONFIG", "CLIENT", "CLUSTER", "COMMAND",
      "DBSIZE", "FLUSHDB", "FLUSHALL", "KEYS", "SCAN", "MULTI", "EXEC", "DISCARD", "UNWATCH", "QUIT",
      "SAVE", "BGSAVE", "BGREWRITEAOF", "LASTSAVE", "TIME", "MONITOR", "SLOWLOG", "SCRIPT", "FUNCTION",
      "PUBLISH", "SPUBLISH", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE",
      "SUNSUBSCRIBE", "PUBSUB", "RESET", "ROLE", "REPLICAOF", "SLAVEOF", "SHUTDOWN", "SWAPDB", "WAIT",
      "ACL", "MEMORY", "LATENCY", "MODULE", "DEBUG", "READONLY", "READWRITE", "RANDOMKEY", "LOLWUT",
      "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO");
  private static final Set<String> SUBSCRIBE = Set.of("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE");

  private enum State { LINE, BULK, RESYNC }

  private final Commands requests = new Commands();
  private final Replies responses = new Replies();
  private boolean subscribed;

  public RedisDecoder(Pairer pairer, boolean midStream) {
    super(pairer, midStream, "redis");
  }

  @Override
  protected Direction direction(boolean fromClient) {
    return fromClient ? requests : responses;
  }

  /** Whether bytes start like a RESP command array ("*2\r\n$3\r\n"). */
  public static boolean looksLikeCommand(byte[] b, int off, int len) {
    int end = off + len;
    if (len < 4 || b[off] != '*') {
      return false;
    }
    int nl = Ascii.lineEnd(b, off, Math.min(end, off + 12));
    return nl > off + 1 && b[nl - 1] == '\r' && Ascii.parseDecimal(b, off + 1, nl - 1) > 0
        && nl + 1 < end && b[nl + 1] == '$';
  }

  /** Whether bytes start like a RESP reply line (+OK, -ERR ..., :1, $5). */
  public static boolean looksLikeReply(byte[] b, int off, int len) {
    int end = off + len;
    if (len < 3) {
      return false;
    }
    int nl = Ascii.lineEnd(b, off, Math.min(end, off + 512));
    if (nl <= off || b[nl - 1] != '\r') {
      return false;
    }
    int ce = nl - 1;
    return switch (b[off]) {
      case '+', '-' -> ce > off + 1 && Ascii.isPrintable(b, off + 1, ce - off - 1);
      case ':', '$', '*' -> Ascii.parseSigned(b, off + 1, ce) != Long.MIN_VALUE;
      default -> false;
    };
  }

  /**
   * What both directions share: RESP framing (lines, bulk strings, nested aggregates streamed with a
   * bounded stack, RESP3 attributes), gaps, and the search for the next message after a lost
   * boundary. What a message means is the direction's: {@link Commands}, {@link Replies}.
   */
  private abstract class Resp implements Direction {
    State state = midStream ? State.RESYNC : State.LINE;
    private final int[] stack = new int[MAX_DEPTH];
    private final boolean[] attribute = new boolean[MAX_DEPTH];
    int depth;
    private long remaining;
    boolean inMessage;
    long start;
    long bytes;
    boolean loss;
    // What is kept of the current message.
    byte firstType;
    long topCount;
    String errorText;
    final List<String> args = new ArrayList<>();
    long argCount;
    private boolean wantBulk;

    /** Whether a message of this direction plausibly starts at {@code b[p, end)}. */
    abstract boolean isStart(byte[] b, int p, int end);

    /**
     * Whether the top-level line {@code b[p, ce)} is not RESP framing but a message of its own (an
     * inline command, or an empty line between them), read by {@link #ownLine}.
     */
    boolean isOwnLine(byte[] b, int p, int ce) {
      return false;
    }

    /** Reads a line {@link #isOwnLine} claimed: false if it is not valid. */
    boolean ownLine(byte[] b, int p, int ce, long ts) {
      throw new IllegalStateException("no line of its own in this direction");
    }

    /** Whether the bulk string of type {@code type} now starting is kept (its first bytes). */
    abstract boolean keepsBulk(byte type);

    /** The first bytes of a kept bulk string. */
    abstract void bulk(String text);

    /** The message is complete. */
    abstract void done(long ts);

    /** A message boundary was lost: keep the FIFO in step. */
    abstract void lost(long ts);

    @Override
    public int data(byte[] b, int off, int len, long ts) {
      int p = off;
      int end = off + len;
      while (p < end && !switched()) {
        switch (state) {
          case RESYNC -> {
            int s = Ascii.findLine(b, p, end, (x, start, contentEnd, e) -> isStart(x, start, e));
            if (s < 0) {
              int lastNl = Ascii.lastIndexOf(b, p, end, (byte) '\n'); // keep the last partial line: a start may
              if (lastNl >= 0) {                   // straddle the next segment
                p = lastNl + 1;
              }
              if (end - p > MAX_LINE) {
                p = end;
              }
              return p - off;
            }
            p = s;
            state = State.LINE;
          }
          case LINE -> {
            int nl = Ascii.lineEnd(b, p, end);
            if (nl < 0) {
              if (end - p > MAX_LINE) {
                decodeError("a line of more than " + MAX_LINE + " bytes without CRLF");
                ctx.stats().increment(Counter.OVERSIZED_MESSAGES);
                boundaryLost(ts);
                return len;
              }
              return p - off;
            }
            if (!inMessage) {
              beginMessage(ts);
            }
            int consumed = nl + 1 - p;
            bytes += consumed;
            if (!line(b, p, Ascii.contentEnd(b, p, nl), ts)) {
              decodeError("a line that is not RESP (+, -, :, $, *, _, #, , ( ! = % ~ > |): "
                  + Ascii.preview(b, p, nl));
              boundaryLost(ts);
              return nl + 1 - off;
            }
            p = nl + 1;
          }
          case BULK -> {
            if (wantBulk) {
              int want = (int) Math.min(remaining - 2, ARG_PREFIX);
              if (end - p < want) {
                return p - off; // wait for the argument's first bytes
              }
              bulk(Ascii.utf8(b, p, Math.max(0, want)));
              wantBulk = false;
            }
            int k = (int) Math.min(remaining, end - p);
            p += k;
            bytes += k;
            remaining -= k;
            if (remaining == 0) {
              state = State.LINE;
              elementDone(ts);
            }
          }
        }
      }
      return switched() ? len : p - off;
    }

    private void beginMessage(long ts) {
      inMessage = true;
      start = ts;
      bytes = 0;
      loss = false;
      depth = 0;
      firstType = 0;
      topCount = -1;
      errorText = null;
      args.clear();
      argCount = 0;
    }

    /** One RESP line b[p, ce): false if it is not valid RESP. */
    private boolean line(byte[] b, int p, int ce, long ts) {
      boolean top = depth == 0;
      if (top && isOwnLine(b, p, ce)) {
        return ownLine(b, p, ce, ts);
      }
      if (ce == p) {
        return false;
      }
      byte type = b[p];
      if (top) {
        firstType = type;
      }
      switch (type) {
        case '*', '%', '~', '>', '|' -> {
          long n = Ascii.parseSigned(b, p + 1, ce);
          if (n == Long.MIN_VALUE || n < -1) {
            return false;
          }
          if (top) {
            topCount = n;
          }
          long elements = (type == '%' || type == '|') ? 2 * n : n;
          if (elements <= 0) {
            elementDone(ts);
            return true;
          }
          if (depth == MAX_DEPTH || elements > Integer.MAX_VALUE) {
            return false;
          }
          stack[depth] = (int) elements;
          attribute[depth] = type == '|';
          depth++;
          if (top) {
            argCount = n;
          }
          return true;
        }
        case '$', '=', '!' -> {
          long n = Ascii.parseSigned(b, p + 1, ce);
          if (n == Long.MIN_VALUE || n < -1) {
            return false;
          }
          if (n == -1) {
            elementDone(ts);
            return true;
          }
          remaining = n + 2;
          state = State.BULK;
          wantBulk = keepsBulk(type);
          return true;
        }
        case '-' -> {
          if (top) {
            errorText = Ascii.utf8(b, p + 1, Math.min(ce - p - 1, ARG_PREFIX));
          }
          elementDone(ts);
          return true;
        }
        case '+', ':', '_', ',', '#', '(' -> {
          elementDone(ts);
          return true;
        }
        default -> {
          return false;
        }
      }
    }

    void elementDone(long ts) {
      while (depth > 0) {
        if (--stack[depth - 1] > 0) {
          return;
        }
        depth--;
        if (attribute[depth]) {
          return; // an attribute precedes the value it describes: that value is still to come
        }
      }
      messageDone(ts);
    }

    private void messageDone(long ts) {
      inMessage = false;
      done(ts);
    }

    @Override
    public void gap(int len, long ts) {
      if (state == State.BULK && len <= remaining - 2) {
        loss = true;
        wantBulk = false;
        remaining -= len;
        bytes += len;
        return;
      }
      if (state != State.RESYNC) {
        boundaryLost(ts);
      }
    }

    private void boundaryLost(long ts) {
      lost(ts);
      inMessage = false;
      depth = 0;
      wantBulk = false;
      state = State.RESYNC;
    }
  }

  /** The client's direction: commands (arrays of bulk strings, or inline lines). */
  private final class Commands extends Resp {
    @Override
    boolean isStart(byte[] b, int p, int end) {
      return looksLikeCommand(b, p, end - p);
    }

    @Override
    boolean isOwnLine(byte[] b, int p, int ce) {
      return ce == p || b[p] != '*'; // inline commands, and stray empty lines between them
    }

    @Override
    boolean ownLine(byte[] b, int p, int ce, long ts) {
      if (ce == p) {
        inMessage = false;
        return true;
      }
      firstType = b[p];
      return inlineCommand(b, p, ce, ts);
    }

    @Override
    boolean keepsBulk(byte type) {
      return depth == 1 && args.size() < MAX_ARGS;
    }

    @Override
    void bulk(String text) {
      args.add(text);
    }

    @Override
    void done(long ts) {
      request(ts);
    }

    @Override
    void lost(long ts) {
      Request placeholder = new Request(inMessage ? start : ts); // stands in for the lost command
      placeholder.note(Pairer.LOSS_IN_REQUEST);
      pairer.request(placeholder);
    }

    private boolean inlineCommand(byte[] b, int p, int ce, long ts) {
      if (!Ascii.isPrintable(b, p, ce - p)) {
        return false;
      }
      for (String word : Ascii.utf8(b, p, ce - p).trim().split("\\s+")) {
        if (!word.isEmpty() && args.size() < MAX_ARGS) {
          args.add(word);
        }
        argCount++;
      }
      elementDone(ts);
      return true;
    }

    private void request(long ts) {
      Request r = new Request(start);
      r.endMicros = ts;
      r.bytes = bytes;
      if (args.isEmpty()) {
        r.method = "";
      } else {
        ctx.redactor().redisArguments(args);
        String cmd = args.get(0).toUpperCase(Locale.ROOT);
        r.method = cmd;
        r.resource = resource(cmd);
        r.query = queryLine();
        if (SUBSCRIBE.contains(cmd)) {
          subscribed = true;
          r.expectedReplies = (int) Math.max(1, argCount - 1);
        } else if (cmd.equals("MONITOR")) {
          r.kind = 1;
        }
      }
      if (loss) {
        r.note(Pairer.LOSS_IN_REQUEST);
      }
      pairer.request(r);
    }

    private String resource(String cmd) {
      if (cmd.startsWith("EVAL") || cmd.startsWith("FCALL")) {
        return args.size() > 3 && !"0".equals(args.get(2)) ? args.get(3) : null;
      }
      return NO_KEY.contains(cmd) || args.size() < 2 ? null : args.get(1);
    }

    private String queryLine() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (i > 0) {
          sb.append(' ');
        }
        sb.append(i == 0 ? a.toUpperCase(Locale.ROOT)
            : a.length() > QUERY_ARG_CHARS ? a.substring(0, QUERY_ARG_CHARS) + "..." : a);
      }
      if (argCount > args.size()) {
        sb.append(" ... (").append(argCount).append(" arguments)");
      }
      return sb.toString();
    }
  }

  /** The server's direction: replies of every type; pushes and pub/sub messages answer nothing. */
  private final class Replies extends Resp {
    @Override
    boolean isStart(byte[] b, int p, int end) {
      return looksLikeReply(b, p, end - p);
    }

    @Override
    boolean keepsBulk(byte type) {
      return type == '!' && depth == 0
          || depth == 1 && args.isEmpty() && (firstType == '*' || firstType == '>');
    }

    @Override
    void bulk(String text) {
      if (firstType == '!') {
        errorText = text;
      } else {
        args.add(text);
      }
    }

    @Override
    void done(long ts) {
      response(ts);
    }

    @Override
    void lost(long ts) {
      pairer.responseLost(ts); // the oldest command's reply is reported as lost
    }

    private void response(long ts) {
      String first = args.isEmpty() ? "" : args.get(0).toLowerCase(Locale.ROOT);
      boolean pubsubMessage = first.equals("message") || first.equals("pmessage")
          || first.equals("smessage");
      if (firstType == '>' && !first.endsWith("subscribe") || subscribed && pubsubMessage) {
        return; // out-of-band: a push, or a message on a subscribed channel, answers no request
      }
      Response r = new Response(start);
      r.endMicros = ts;
      r.bytes = bytes;
      if (firstType == '-' || firstType == '!') {
        r.status = errorText == null ? "ERR" : errorText;
        r.outcome = Outcome.ERROR;
      } else {
        r.status = "OK";
        if (topCount >= 0) {
          r.rows = topCount;
        }
      }
      if (loss) {
        r.note(Pairer.LOSS_IN_RESPONSE);
      }
      Request head = pairer.head();
      pairer.response(r);
      if (head != null && head.kind == 1) {
        switchTo(ProtocolSwitch.MONITOR);
      }
    }
  }
}
