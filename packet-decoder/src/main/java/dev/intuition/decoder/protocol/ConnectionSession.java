package dev.intuition.decoder.protocol;

import dev.intuition.decoder.Connection;
import dev.intuition.decoder.DecoderStats.Counter;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.ip.IpParser;
import dev.intuition.decoder.pairing.DecoderContext;
import dev.intuition.decoder.pairing.Pairer;
import dev.intuition.decoder.protocol.http.HttpDecoder;
import dev.intuition.decoder.protocol.mysql.MysqlDecoder;
import dev.intuition.decoder.protocol.postgresql.PostgresqlDecoder;
import dev.intuition.decoder.protocol.redis.RedisDecoder;
import dev.intuition.decoder.protocol.tls.TlsHello;
import dev.intuition.decoder.tcp.CloseReason;
import dev.intuition.decoder.tcp.ConnectionInfo;
import dev.intuition.decoder.tcp.StreamListener;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection from its first byte to its close: holds the first bytes (bounded) until the
 * {@link ProtocolDetector} decides, then replays them into the protocol's {@link ConnectionDecoder} and
 * keeps, per direction, the bytes the decoder has not consumed yet (bounded by {@code maxMessageBytes}
 * and the shared memory budget; past them the bytes are dropped and the decoder told of a gap).
 */
public final class ConnectionSession implements StreamListener {
  private static final int DETECT_BYTES = 4096;
  private static final int DETECT_EVENTS = 32;

  private enum State { DETECTING, DECODING, IGNORED }

  /** An event seen while detecting: data (a copy), a gap or a FIN, in arrival order. */
  private record Held(boolean fromA, byte[] data, int gap, boolean fin, long ts) {}

  private final ConnectionInfo info;
  private final DecoderContext ctx;
  private final ProtocolDetector detector;
  private State state = State.DETECTING;
  private List<Held> held = new ArrayList<>(4);
  private long heldBytes;
  private byte[] firstA = new byte[0];
  private byte[] firstB = new byte[0];
  private boolean aBroken;
  private boolean bBroken;
  private boolean aIsClient;
  private Connection connection;
  private ConnectionDecoder decoder;
  private final Carry carryA = new Carry();
  private final Carry carryB = new Carry();

  public ConnectionSession(ConnectionInfo info, DecoderContext ctx, ProtocolDetector detector) {
    this.info = info;
    this.ctx = ctx;
    this.detector = detector;
  }

  @Override
  public void data(boolean fromA, byte[] buf, int off, int len, long ts) {
    switch (state) {
      case DECODING -> feed(fromA, buf, off, len, ts);
      case DETECTING -> {
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        hold(new Held(fromA, copy, 0, false, ts), len);
        if (fromA && !aBroken) {
          firstA = append(firstA, copy);
        } else if (!fromA && !bBroken) {
          firstB = append(firstB, copy);
        }
        detect(false, ts);
      }
      case IGNORED -> { }
    }
  }

  @Override
  public void gap(boolean fromA, int len, long ts) {
    switch (state) {
      case DECODING -> {
        Carry carry = fromA ? carryA : carryB;
        carry.clear();
        decoder.gap(fromA == aIsClient, len, ts);
        checkSwitch();
      }
      case DETECTING -> {
        if (fromA) {
          aBroken = true;
        } else {
          bBroken = true;
        }
        hold(new Held(fromA, null, len, false, ts), 0);
        detect(false, ts);
      }
      case IGNORED -> { }
    }
  }

  @Override
  public void fin(boolean fromA, long ts) {
    switch (state) {
      case DECODING -> decoder.fin(fromA == aIsClient, ts);
      case DETECTING -> hold(new Held(fromA, null, 0, true, ts), 0);
      case IGNORED -> { }
    }
  }

  @Override
  public void closed(CloseReason reason, long ts) {
    if (state == State.DETECTING) {
      detect(true, ts);
    }
    if (state == State.DECODING) {
      decoder.closed(reason, ts);
    }
    carryA.clear();
    carryB.clear();
    releaseHeld();
    state = State.IGNORED;
  }

  @Override
  public void tick(long ts) {
    if (state == State.DECODING) {
      decoder.tick(ts);
    }
  }

  private void hold(Held h, int bytes) {
    if (!ctx.budget().tryReserve(bytes)) {
      ctx.stats().increment(Counter.BUFFER_LIMIT_DROPS);
      ignore(false);
      return;
    }
    heldBytes += bytes;
    held.add(h);
  }

  private void detect(boolean last, long ts) {
    if (state != State.DETECTING) {
      return;
    }
    Boolean aOpened = switch (info.opener()) {
      case A -> true;
      case B -> false;
      case UNKNOWN -> null;
    };
    ProtocolDetector.Detection d = detector.detect(info.portA(), info.portB(), aOpened, firstA,
        firstA.length, firstB, firstB.length);
    if (d == null) {
      if (last || firstA.length >= DETECT_BYTES || firstB.length >= DETECT_BYTES
          || held.size() >= DETECT_EVENTS || (aBroken && bBroken)) {
        ignore(true);
      }
      return;
    }
    aIsClient = d.aIsClient();
    Endpoint a = new Endpoint(IpParser.format(info.hiA(), info.loA()), info.portA());
    Endpoint b = new Endpoint(IpParser.format(info.hiB(), info.loB()), info.portB());
    connection = aIsClient ? new Connection(a, b) : new Connection(b, a);
    if (d.protocol() == Protocol.TLS) {
      byte[] hello = aIsClient ? firstA : firstB;
      encrypted(TlsHello.looksLikeClientHello(hello, 0, hello.length)
          ? TlsHello.serverName(hello, 0, hello.length) : null);
      return;
    }
    boolean midStream = info.opener() == ConnectionInfo.Opener.UNKNOWN;
    Pairer pairer = new Pairer(d.protocol(), connection, ctx);
    decoder = switch (d.protocol()) {
      case HTTP -> new HttpDecoder(pairer, midStream);
      case REDIS -> new RedisDecoder(pairer, midStream);
      case POSTGRESQL -> new PostgresqlDecoder(pairer, midStream);
      case MYSQL -> new MysqlDecoder(pairer, midStream);
      case TLS -> throw new AssertionError("handled above");
    };
    state = State.DECODING;
    List<Held> replay = held;
    held = null;
    for (Held h : replay) {
      if (state != State.DECODING) {
        break;
      }
      if (h.data != null) {
        feed(h.fromA, h.data, 0, h.data.length, h.ts);
      } else if (h.fin) {
        decoder.fin(h.fromA == aIsClient, h.ts);
      } else {
        gap(h.fromA, h.gap, h.ts);
      }
    }
    ctx.budget().release(heldBytes);
    heldBytes = 0;
    firstA = null;
    firstB = null;
  }

  private void feed(boolean fromA, byte[] buf, int off, int len, long ts) {
    boolean fromClient = fromA == aIsClient;
    Carry carry = fromA ? carryA : carryB;
    if (carry.length == 0) {
      int used = decoder.data(fromClient, buf, off, len, ts);
      if (used < len && !carry.keep(buf, off + used, len - used)) {
        overflow(fromA, carry, len - used, ts);
      }
    } else {
      if (!carry.keep(buf, off, len)) {
        overflow(fromA, carry, len, ts);
        checkSwitch();
        return;
      }
      int used = decoder.data(fromClient, carry.bytes, 0, carry.length, ts);
      carry.consume(used);
    }
    if (carry.length > ctx.settings().maxMessageBytes() + 16) {
      overflow(fromA, carry, 0, ts);
    }
    checkSwitch();
  }

  /** The decoder cannot use what it kept: drop it and tell the decoder those bytes are lost. */
  private void overflow(boolean fromA, Carry carry, int extra, long ts) {
    ctx.stats().increment(Counter.OVERSIZED_MESSAGES);
    int dropped = carry.length + extra;
    carry.clear();
    decoder.gap(fromA == aIsClient, dropped, ts);
  }

  private void checkSwitch() {
    ProtocolSwitch to = decoder.switchedTo();
    if (to != null && state == State.DECODING) {
      state = State.IGNORED;
      carryA.clear();
      carryB.clear();
      if (to.encrypted()) {
        encrypted(null);
      }
    }
  }

  private void encrypted(String serverName) {
    ctx.stats().increment(Counter.ENCRYPTED_CONNECTIONS);
    ctx.listener().encryptedConnection(connection, serverName);
    state = State.IGNORED;
    releaseHeld();
  }

  private void ignore(boolean unknownProtocol) {
    if (unknownProtocol) {
      ctx.stats().increment(Counter.UNKNOWN_PROTOCOL_CONNECTIONS);
    }
    state = State.IGNORED;
    releaseHeld();
  }

  private void releaseHeld() {
    if (held != null) {
      held = null;
      ctx.budget().release(heldBytes);
      heldBytes = 0;
    }
    firstA = null;
    firstB = null;
  }

  private static byte[] append(byte[] first, byte[] more) {
    int n = Math.min(more.length, DETECT_BYTES - first.length);
    if (n <= 0) {
      return first;
    }
    byte[] grown = new byte[first.length + n];
    System.arraycopy(first, 0, grown, 0, first.length);
    System.arraycopy(more, 0, grown, first.length, n);
    return grown;
  }

  /** Bytes of one direction the decoder has not consumed yet, charged to the memory budget. */
  private final class Carry {
    byte[] bytes = new byte[0];
    int length;

    boolean keep(byte[] b, int off, int n) {
      if (length + n > bytes.length) {
        int capacity = Math.max(length + n, Math.min(bytes.length * 2,
            ctx.settings().maxMessageBytes() + 16));
        if (!ctx.budget().tryReserve(capacity - bytes.length)) {
          ctx.stats().increment(Counter.BUFFER_LIMIT_DROPS);
          return false;
        }
        byte[] grown = new byte[capacity];
        System.arraycopy(bytes, 0, grown, 0, length);
        bytes = grown;
      }
      System.arraycopy(b, off, bytes, length, n);
      length += n;
      return true;
    }

    void consume(int n) {
      if (n >= length) {
        length = 0;
      } else if (n > 0) {
        System.arraycopy(bytes, n, bytes, 0, length - n);
        length -= n;
      }
      if (length == 0 && bytes.length > 16 * 1024) {
        clear(); // give a big buffer back once it is empty
      }
    }

    void clear() {
      ctx.budget().release(bytes.length);
      bytes = new byte[0];
      length = 0;
    }
  }
}
