package dev.intuition.decoder;

import dev.intuition.decoder.DecoderStats.Counter;
import dev.intuition.decoder.ip.IpParser;
import dev.intuition.decoder.link.LinkType;
import dev.intuition.decoder.pairing.DecoderContext;
import dev.intuition.decoder.protocol.ConnectionSession;
import dev.intuition.decoder.protocol.ProtocolDetector;
import dev.intuition.decoder.redact.Redactor;
import dev.intuition.decoder.tcp.CloseReason;
import dev.intuition.decoder.tcp.MemoryBudget;
import dev.intuition.decoder.tcp.TcpReassembler;
import dev.intuition.decoder.tcp.TcpSegment;

/**
 * The whole decoding pipeline for one capture: frames in, {@link Transaction}s out. Link layer, IP, TCP
 * reassembly, protocol detection, the protocol's decoder, pairing and redaction. Not thread-safe: one
 * instance per capture thread. Time is the capture's (packet timestamps, and {@link #tick} for a live
 * capture that went quiet); the wall clock is never read.
 *
 * <p>A malformed frame is counted and skipped; nothing in a frame can make this class throw.
 */
public final class TrafficDecoder {
  private final DecoderStats stats = new DecoderStats();
  private final TcpSegment segment = new TcpSegment();
  private final TcpReassembler reassembler;
  private final MemoryBudget budget;
  private RuntimeException firstInternalError;

  public TrafficDecoder(DecoderSettings settings, TransactionListener listener) {
    this.budget = new MemoryBudget(settings.maxTotalBufferedBytes());
    DecoderContext ctx = new DecoderContext(settings, stats, budget, new Redactor(settings),
        listener);
    ProtocolDetector detector = new ProtocolDetector(settings.portProtocols());
    this.reassembler = new TcpReassembler(settings.maxConnections(), settings.reorderWindowBytes(),
        settings.connectionIdleTimeout().toNanos() / 1000, budget, stats,
        info -> new ConnectionSession(info, ctx, detector));
  }

  /**
   * Decodes one captured frame.
   *
   * @param link the capture's link layer
   * @param timestampMicros capture time, microseconds since the epoch
   * @param frame the bytes as captured (possibly cut by the snaplen), {@code frame[offset, offset +
   *     length)}
   */
  public void packet(LinkType link, long timestampMicros, byte[] frame, int offset, int length) {
    stats.increment(Counter.PACKETS);
    stats.add(Counter.BYTES, length);
    int ip = link.ipOffset(frame, offset, length);
    if (ip < 0) {
      stats.increment(Counter.NON_TCP_PACKETS);
      return;
    }
    switch (IpParser.parse(frame, ip, offset + length, segment)) {
      case TCP -> {
        segment.timestampMicros = timestampMicros;
        try {
          reassembler.segment(segment);
        } catch (RuntimeException e) {
          // A decoder bug must not end the capture: count it, keep the first for diagnosis.
          stats.increment(Counter.INTERNAL_ERRORS);
          if (firstInternalError == null) {
            firstInternalError = e;
          }
        }
      }
      case NOT_TCP -> stats.increment(Counter.NON_TCP_PACKETS);
      case MALFORMED -> stats.increment(Counter.MALFORMED_PACKETS);
      case FRAGMENT -> stats.increment(Counter.FRAGMENTED_PACKETS);
    }
  }

  /** Advances capture time without a packet: expires idle connections and timed-out requests. */
  public void tick(long nowMicros) {
    reassembler.tick(nowMicros);
  }

  /** The capture ended: every connection is closed and its pending requests reported. */
  public void finish() {
    reassembler.closeAll(CloseReason.END_OF_CAPTURE);
  }

  public DecoderStats stats() {
    return stats;
  }

  /** The first exception a decoder threw (counted as an internal error), or null: always a bug. */
  public RuntimeException firstInternalError() {
    return firstInternalError;
  }

  /** Bytes held right now for reordering and partial messages, over all connections. */
  public long bufferedBytes() {
    return budget.used();
  }

  public int activeConnections() {
    return reassembler.activeConnections();
  }
}
