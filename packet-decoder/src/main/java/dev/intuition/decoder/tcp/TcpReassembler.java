package dev.intuition.decoder.tcp;

import dev.intuition.decoder.DecoderStats;
import dev.intuition.decoder.DecoderStats.Counter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Tracks TCP connections and hands each one's two reassembled byte streams to a {@link StreamListener}.
 * The table is bounded ({@code maxConnections}, least recently active evicted first) and idle
 * connections expire; both are driven by capture time, never the wall clock. A connection is only
 * created by a SYN or by a segment with payload, so the stray ACKs and FINs after a connection ended
 * cost nothing.
 */
public final class TcpReassembler {
  private static final long SWEEP_INTERVAL_MICROS = 1_000_000;
  private static final int RECENTLY_CLOSED = 4096;
  /** How long packets of an ended connection count as its leftovers: 2 MSL (RFC 9293 3.6.1). */
  private static final long TIME_WAIT_MICROS = 120_000_000L;

  private record Closed(boolean synSeen, int isnA, int isnB, long atMicros) {
    boolean sameSyn(int seq) {
      return synSeen && (seq == isnA || seq == isnB);
    }
  }

  private final class Tracked {
    final FlowKey key;
    final StreamListener listener;
    final TcpStream fromA;
    final TcpStream fromB;
    long lastSeenMicros;
    boolean closed;

    Tracked(FlowKey key, StreamListener listener) {
      this.key = key;
      this.listener = listener;
      this.fromA = new TcpStream(true, listener, window, budget, stats);
      this.fromB = new TcpStream(false, listener, window, budget, stats);
    }

    void close(CloseReason reason, long ts) {
      closed = true;
      if (reason != CloseReason.RESET) {
        fromA.flushAll(ts);
        fromB.flushAll(ts);
      }
      fromA.release();
      fromB.release();
      listener.closed(reason, ts);
    }
  }

  private final int maxConnections;
  private final int window;
  private final long idleTimeoutMicros;
  private final MemoryBudget budget;
  private final DecoderStats stats;
  private final Function<ConnectionInfo, StreamListener> listenerFactory;
  private final LinkedHashMap<FlowKey, Tracked> table = new LinkedHashMap<>(1024, 0.75f, true);
  /** The connection of the last segment, unless it has closed since. */
  private Tracked last;
  /**
   * Connections that ended by FIN or RST, with the ISN of their SYN: packets that arrive for them
   * afterwards (retransmissions, duplicated captures) are not a new connection. Bounded, oldest out.
   */
  private final LinkedHashMap<FlowKey, Closed> recentlyClosed = new LinkedHashMap<>(256) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<FlowKey, Closed> eldest) {
      return size() > RECENTLY_CLOSED;
    }
  };
  private long lastSweepMicros = Long.MIN_VALUE;
  private long latestMicros = Long.MIN_VALUE;
  private long packetNumber;

  public TcpReassembler(int maxConnections, int window, long idleTimeoutMicros, MemoryBudget budget,
      DecoderStats stats, Function<ConnectionInfo, StreamListener> listenerFactory) {
    this.maxConnections = maxConnections;
    this.window = window;
    this.idleTimeoutMicros = idleTimeoutMicros;
    this.budget = budget;
    this.stats = stats;
    this.listenerFactory = listenerFactory;
  }

  public void segment(TcpSegment s) {
    long ts = s.timestampMicros;
    if (ts > latestMicros) {
      latestMicros = ts;
    }
    if (ts - lastSweepMicros >= SWEEP_INTERVAL_MICROS || lastSweepMicros == Long.MIN_VALUE) {
      sweep(ts);
    }
    // Most packets belong to the connection of the packet before (a request and its ACK, a burst):
    // then that connection is taken without a key or a lookup. It is the table's most recent entry,
    // so skipping get() leaves the access order as it was.
    FlowKey key;
    Tracked t;
    if (last != null && !last.closed && last.key.matches(s)) {
      key = last.key;
      t = last;
    } else {
      key = FlowKey.of(s);
      t = table.get(key);
    }
    boolean syn = s.has(TcpSegment.SYN);
    boolean synOnly = syn && !s.has(TcpSegment.ACK);
    if (t != null && synOnly) {
      TcpStream stream = key.sentByA(s) ? t.fromA : t.fromB;
      boolean retransmittedSyn = stream.synSeen && stream.synSeq == s.seq;
      if (!retransmittedSyn && (stream.synSeen || stream.delivered || stream.finDelivered)) {
        table.remove(key); // the same addresses and ports, a new initial sequence number
        t.close(CloseReason.REUSED, ts);
        t = null;
      }
    }
    if (t == null) {
      if (!syn && s.payloadLength <= 0) {
        return;
      }
      Closed closed = recentlyClosed.get(key);
      if (closed != null && ts - closed.atMicros < TIME_WAIT_MICROS
          && (!synOnly || closed.sameSyn(s.seq))) {
        // A late retransmission of a connection that already ended (TIME-WAIT): not a new one.
        stats.increment(Counter.RETRANSMITTED_SEGMENTS);
        return;
      }
      recentlyClosed.remove(key);
      t = open(key, s, ts);
    }
    t.lastSeenMicros = ts;
    last = t;
    boolean fromA = key.sentByA(s);
    TcpStream stream = fromA ? t.fromA : t.fromB;
    TcpStream reverse = fromA ? t.fromB : t.fromA;
    if (syn) {
      stream.syn(s.seq);
    }
    packetNumber++;
    if (s.has(TcpSegment.ACK)) {
      reverse.acknowledged(s.ack, packetNumber);
      if (s.payloadLength > 0) {
        // Data that acknowledges bytes we never saw (a response to a lost request): the gap comes
        // first, in stream order. A bare ACK gets one packet of grace in case its data comes next.
        reverse.settle(packetNumber + 1, ts);
      }
    }
    int dataSeq = syn ? s.seq + 1 : s.seq;
    if (s.payloadLength > 0) {
      stream.segment(dataSeq, s.buffer, s.payloadOffset, s.capturedLength, s.payloadLength, ts);
    }
    t.fromA.settle(packetNumber, ts);
    t.fromB.settle(packetNumber, ts);
    if (s.has(TcpSegment.RST)) {
      table.remove(key);
      remember(key, t);
      t.close(CloseReason.RESET, ts);
      return;
    }
    if (s.has(TcpSegment.FIN)) {
      stream.fin(dataSeq + s.payloadLength, ts);
    }
    if (t.fromA.finDelivered && t.fromB.finDelivered) {
      table.remove(key);
      remember(key, t);
      t.close(CloseReason.FIN, ts);
    }
  }

  /** Remembers a connection that ended, with its opening SYN, to recognise its late retransmissions. */
  private void remember(FlowKey key, Tracked t) {
    recentlyClosed.put(key, new Closed(t.fromA.synSeen || t.fromB.synSeen, t.fromA.synSeq,
        t.fromB.synSeq, t.lastSeenMicros));
  }

  private Tracked open(FlowKey key, TcpSegment s, long ts) {
    if (table.size() >= maxConnections) {
      Iterator<Tracked> eldest = table.values().iterator();
      Tracked victim = eldest.next();
      eldest.remove();
      stats.increment(Counter.CONNECTIONS_EVICTED);
      victim.close(CloseReason.EVICTED, ts);
    }
    boolean fromA = key.sentByA(s);
    ConnectionInfo.Opener opener = ConnectionInfo.Opener.UNKNOWN;
    if (s.has(TcpSegment.SYN)) {
      boolean senderOpened = !s.has(TcpSegment.ACK);
      opener = senderOpened == fromA ? ConnectionInfo.Opener.A : ConnectionInfo.Opener.B;
    }
    // Present the connection with A = the first packet's sender: decoders read "A" as "first seen".
    ConnectionInfo info = fromA
        ? new ConnectionInfo(key.hiA(), key.loA(), key.portA(), key.hiB(), key.loB(), key.portB(),
            opener)
        : new ConnectionInfo(key.hiB(), key.loB(), key.portB(), key.hiA(), key.loA(), key.portA(),
            flip(opener));
    StreamListener listener = listenerFactory.apply(info);
    // Streams are keyed by the canonical A; map the listener's view (first sender = A) onto it.
    StreamListener mapped = fromA ? listener : new Flipped(listener);
    Tracked t = new Tracked(key, mapped);
    table.put(key, t);
    stats.increment(Counter.CONNECTIONS);
    return t;
  }

  private static ConnectionInfo.Opener flip(ConnectionInfo.Opener o) {
    return switch (o) {
      case A -> ConnectionInfo.Opener.B;
      case B -> ConnectionInfo.Opener.A;
      case UNKNOWN -> ConnectionInfo.Opener.UNKNOWN;
    };
  }

  /** Advances capture time without a packet (a live capture that went quiet). */
  public void tick(long nowMicros) {
    if (nowMicros > latestMicros) {
      latestMicros = nowMicros;
    }
    sweep(nowMicros);
  }

  /** Closes every connection (end of capture): held bytes are flushed as data and gaps first. */
  public void closeAll(CloseReason reason) {
    long ts = latestMicros == Long.MIN_VALUE ? 0 : latestMicros;
    List<Tracked> all = new ArrayList<>(table.values());
    table.clear();
    for (Tracked t : all) {
      t.close(reason, ts);
    }
  }

  public int activeConnections() {
    return table.size();
  }

  private void sweep(long now) {
    lastSweepMicros = now;
    Iterator<Map.Entry<FlowKey, Tracked>> it = table.entrySet().iterator();
    List<Tracked> expired = null;
    while (it.hasNext()) {
      Tracked t = it.next().getValue();
      if (now - t.lastSeenMicros < idleTimeoutMicros) {
        break; // access order: everything after is more recent
      }
      it.remove();
      if (expired == null) {
        expired = new ArrayList<>();
      }
      expired.add(t);
    }
    if (expired != null) {
      for (Tracked t : expired) {
        t.close(CloseReason.IDLE, now);
      }
    }
    for (Tracked t : table.values()) {
      t.listener.tick(now);
    }
  }

  /** Swaps A and B for a listener whose A is the canonical key's B. */
  private record Flipped(StreamListener target) implements StreamListener {
    @Override
    public void data(boolean fromA, byte[] buffer, int offset, int length, long ts) {
      target.data(!fromA, buffer, offset, length, ts);
    }

    @Override
    public void gap(boolean fromA, int length, long ts) {
      target.gap(!fromA, length, ts);
    }

    @Override
    public void fin(boolean fromA, long ts) {
      target.fin(!fromA, ts);
    }

    @Override
    public void closed(CloseReason reason, long ts) {
      target.closed(reason, ts);
    }

    @Override
    public void tick(long ts) {
      target.tick(ts);
    }
  }
}
