package dev.intuition.decoder.tcp;

import dev.intuition.decoder.DecoderStats;
import dev.intuition.decoder.DecoderStats.Counter;
import java.util.ArrayList;
import java.util.List;

/**
 * One direction of a TCP connection: puts segments back in sequence order (RFC 9293 3.10.7.4) within a
 * bounded window, drops retransmitted and overlapping bytes, and turns bytes that were never captured
 * into gaps of known length: bytes cut by the snaplen, holes the peer acknowledged (it received them,
 * so they will not come again), and holes still open when the window or the memory budget is full.
 * Sequence numbers compare modulo 2^32 through int subtraction.
 */
final class TcpStream {
  private record Pending(int seq, byte[] data, int declaredLength, long timestampMicros) {}

  private final boolean fromA;
  private final StreamListener listener;
  private final int window;
  private final MemoryBudget budget;
  private final DecoderStats stats;
  private final List<Pending> pending = new ArrayList<>(0);
  private int pendingBytes;

  private boolean known;
  private int nextSeq;
  boolean synSeen;
  int synSeq;
  private boolean finPending;
  private int finSeq;
  boolean finDelivered;
  boolean delivered;
  private boolean ackNoted;
  private int ackTarget;
  private long ackNotedAt;

  TcpStream(boolean fromA, StreamListener listener, int window, MemoryBudget budget,
      DecoderStats stats) {
    this.fromA = fromA;
    this.listener = listener;
    this.window = window;
    this.budget = budget;
    this.stats = stats;
  }

  void syn(int seq) {
    synSeen = true;
    synSeq = seq;
    if (!known) {
      known = true;
      nextSeq = seq + 1;
    }
  }

  void segment(int seq, byte[] buf, int off, int captured, int declared, long ts) {
    if (declared <= 0 || finDelivered) {
      return;
    }
    if (!known) {
      known = true;
      nextSeq = seq;
    }
    int rel = seq - nextSeq;
    if (rel < 0) {
      if (rel + declared <= 0) {
        stats.increment(Counter.RETRANSMITTED_SEGMENTS);
        return;
      }
      int skip = -rel; // the first bytes were seen already: keep only the new tail
      int skipCaptured = Math.min(skip, captured);
      off += skipCaptured;
      captured -= skipCaptured;
      declared -= skip;
      rel = 0;
    }
    if (rel == 0) {
      deliver(buf, off, captured, declared, ts);
      drain(ts);
      return;
    }
    stats.increment(Counter.OUT_OF_ORDER_SEGMENTS);
    if (rel > window || pendingBytes + captured > window || !budget.tryReserve(captured)) {
      // Cannot wait any longer for the missing bytes: they are lost to the capture.
      stats.increment(Counter.BUFFER_LIMIT_DROPS);
      flushTo(seq, ts);
      deliver(buf, off, captured, declared, ts);
      drain(ts);
      return;
    }
    byte[] copy = new byte[captured];
    System.arraycopy(buf, off, copy, 0, captured);
    int at = pending.size();
    while (at > 0 && pending.get(at - 1).seq - seq > 0) {
      at--;
    }
    pending.add(at, new Pending(seq, copy, declared, ts));
    pendingBytes += captured;
  }

  /**
   * The peer acknowledged up to {@code ack}: bytes below it that we have not seen were lost by the
   * capture, since the peer has them and will not ask again. Captures sometimes record an ACK just
   * before the data it acknowledges, so the verdict waits one packet ({@link #settle}).
   */
  void acknowledged(int ack, long packetNumber) {
    if (!known || finDelivered) {
      return;
    }
    int target = finPending && ack - finSeq > 0 ? finSeq : ack;
    int ahead = target - nextSeq;
    if (ahead > 0 && ahead <= (1 << 30) && (!ackNoted || target - ackTarget > 0)) {
      if (!ackNoted) {
        ackNotedAt = packetNumber;
      }
      ackNoted = true;
      ackTarget = target;
    }
  }

  /** Declares the bytes acknowledged before the current packet and still missing as a gap. */
  void settle(long packetNumber, long ts) {
    if (!ackNoted || ackNotedAt >= packetNumber) {
      return;
    }
    ackNoted = false;
    if (!finDelivered && ackTarget - nextSeq > 0) {
      flushTo(ackTarget, ts);
      drain(ts);
    }
  }

  void fin(int seq, long ts) {
    if (finDelivered) {
      return;
    }
    if (!known) {
      known = true;
      nextSeq = seq;
    }
    finPending = true;
    finSeq = seq;
    maybeDeliverFin(ts);
  }

  /** Delivers everything held, with gaps for the holes, before the connection goes away. */
  void flushAll(long ts) {
    if (!pending.isEmpty()) {
      Pending last = pending.get(pending.size() - 1);
      flushTo(last.seq + last.declaredLength, ts);
    }
    if (finPending && !finDelivered && finSeq - nextSeq > 0 && finSeq - nextSeq <= window) {
      gap(finSeq - nextSeq, ts);
      nextSeq = finSeq;
      maybeDeliverFin(ts);
    }
  }

  void release() {
    budget.release(pendingBytes);
    pendingBytes = 0;
    pending.clear();
  }

  private void flushTo(int target, long ts) {
    while (!pending.isEmpty() && pending.get(0).seq - target < 0) {
      Pending p = pending.remove(0);
      release(p);
      int rel = p.seq - nextSeq;
      if (rel > 0) {
        gap(rel, ts);
        nextSeq = p.seq;
        rel = 0;
      }
      emitPending(p, rel);
    }
    int missing = target - nextSeq;
    if (missing > 0) {
      gap(missing, ts);
      nextSeq = target;
      maybeDeliverFin(ts);
    }
  }

  private void drain(long ts) {
    while (!pending.isEmpty() && pending.get(0).seq - nextSeq <= 0) {
      Pending p = pending.remove(0);
      release(p);
      emitPending(p, p.seq - nextSeq);
    }
  }

  private void emitPending(Pending p, int rel) {
    if (rel + p.declaredLength <= 0) {
      stats.increment(Counter.RETRANSMITTED_SEGMENTS);
      return;
    }
    int skip = -rel;
    int skipCaptured = Math.min(skip, p.data.length);
    deliver(p.data, skipCaptured, p.data.length - skipCaptured, p.declaredLength - skip,
        p.timestampMicros);
  }

  private void release(Pending p) {
    pendingBytes -= p.data.length;
    budget.release(p.data.length);
  }

  private void deliver(byte[] buf, int off, int captured, int declared, long ts) {
    if (finPending && declared > finSeq - nextSeq) {
      declared = Math.max(0, finSeq - nextSeq); // nothing counts after FIN
      captured = Math.min(captured, declared);
    }
    if (captured > 0) {
      delivered = true;
      listener.data(fromA, buf, off, captured, ts);
    }
    if (declared > captured) {
      gap(declared - captured, ts);
    }
    nextSeq += declared;
    maybeDeliverFin(ts);
  }

  private void gap(int length, long ts) {
    stats.increment(Counter.GAPS);
    stats.add(Counter.GAP_BYTES, length);
    listener.gap(fromA, length, ts);
  }

  private void maybeDeliverFin(long ts) {
    if (finPending && !finDelivered && nextSeq == finSeq) {
      finDelivered = true;
      listener.fin(fromA, ts);
    }
  }
}
