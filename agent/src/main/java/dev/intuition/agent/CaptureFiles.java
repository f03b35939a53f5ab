package dev.intuition.agent;

import dev.intuition.agent.bundle.Bundle;
import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.Inventory;
import dev.intuition.agent.tag.Tagger;
import dev.intuition.decoder.DecoderSettings;
import dev.intuition.decoder.DecoderStats;
import dev.intuition.decoder.TrafficDecoder;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.TransactionListener;
import dev.intuition.decoder.link.LinkType;
import dev.intuition.decoder.pcap.CaptureReader;
import dev.intuition.decoder.pcap.PacketSink;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Decodes a capture file the way the agent decodes live traffic: a plain pcap / pcapng with one decoder,
 * or a bundle with one decoder per recorded interface and every transaction tagged from the bundle's
 * containers (server side wins). Optionally paced in real time, with timestamps moved so that the capture
 * starts now (replaying a recording as live traffic).
 */
final class CaptureFiles {
  /** What decoding a file found. */
  record Summary(CaptureReader.Result read, Map<DecoderStats.Counter, Long> stats,
      RuntimeException internalError, String firstDecodeError) {}

  /** Bytes the read-ahead thread copies at a time ({@link ReadAhead#CHUNKS} such chunks at most). */
  static final int READ_CHUNK = 1 << 20;

  private CaptureFiles() {}

  static Summary decode(Path file, DecoderSettings settings, TransactionListener out,
      boolean realTime) throws IOException {
    return decode(file, settings, out, realTime, () -> false);
  }

  /**
   * As {@link #decode(Path, DecoderSettings, TransactionListener, boolean)}, ending early (as if the
   * file ended there) once {@code stop} says so: checked at each read of the file, not per packet.
   */
  static Summary decode(Path file, DecoderSettings settings, TransactionListener out,
      boolean realTime, BooleanSupplier stop) throws IOException {
    if (Bundle.isBundle(file)) {
      try (Bundle bundle = Bundle.open(file); InputStream in = readAhead(bundle.capture(), stop)) {
        return run(in, settings, out, realTime, bundle::observer, bundle.inventory(), true);
      }
    }
    try (InputStream in = readAhead(Files.newInputStream(file), stop)) {
      return run(in, settings, out, realTime, i -> null, Inventory.EMPTY, false);
    }
  }

  /** The capture read ahead on a thread of its own, ending early once {@code stop} says so. */
  private static InputStream readAhead(InputStream in, BooleanSupplier stop) {
    return stoppable(new ReadAhead(in, READ_CHUNK), stop);
  }

  private static InputStream stoppable(InputStream in, BooleanSupplier stop) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        return stop.getAsBoolean() ? -1 : super.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return stop.getAsBoolean() ? -1 : super.read(b, off, len);
      }
    };
  }

  private static Summary run(InputStream in, DecoderSettings settings, TransactionListener out,
      boolean realTime, java.util.function.IntFunction<ContainerInfo> observers,
      Inventory inventory, boolean tag) throws IOException {
    Map<Integer, TrafficDecoder> decoders = new HashMap<>();
    long[] shift = {Long.MIN_VALUE};
    PacketSink sink = new PacketSink() {
      private int lastIface = -1;
      private TrafficDecoder last;

      @Override
      public void packet(LinkType link, long ts, byte[] frame, int off, int len) {
        packet(0, link, ts, frame, off, len);
      }

      @Override
      public void packet(int iface, LinkType link, long ts, byte[] frame, int off, int len) {
        long when = ts;
        if (realTime) {
          if (shift[0] == Long.MIN_VALUE) {
            shift[0] = System.currentTimeMillis() * 1000 - ts;
          }
          when = ts + shift[0];
          long waitMicros = when - System.currentTimeMillis() * 1000;
          if (waitMicros > 1000) {
            try {
              Thread.sleep(waitMicros / 1000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }
        // Nearly every packet is on the interface of the one before: no map lookup, and no lambda
        // (a capturing lambda is a new object per call) on that path.
        TrafficDecoder d = iface == lastIface ? last : decoders.get(iface);
        if (d == null) {
          d = decoder(iface);
          decoders.put(iface, d);
        }
        lastIface = iface;
        last = d;
        d.packet(link, when, frame, off, len);
      }

      private TrafficDecoder decoder(int iface) {
        ContainerInfo observer = observers.apply(iface);
        TransactionListener l = !tag ? out : new TransactionListener() {
          @Override
          public void transaction(Transaction t) {
            Transaction tagged = Tagger.tag(t, observer, inventory);
            if (tagged != null) {
              out.transaction(tagged);
            }
          }

          @Override
          public void encryptedConnection(dev.intuition.decoder.Connection c, String name) {
            out.encryptedConnection(c, name);
          }
        };
        return new TrafficDecoder(settings, l);
      }
    };
    CaptureReader.Result read = CaptureReader.read(in, sink);
    Map<DecoderStats.Counter, Long> totals = new java.util.EnumMap<>(DecoderStats.Counter.class);
    RuntimeException internal = null;
    String decodeError = null;
    for (TrafficDecoder d : decoders.values()) {
      d.finish();
      d.stats().snapshot().forEach((k, v) -> totals.merge(k, v, Long::sum));
      if (internal == null) {
        internal = d.firstInternalError();
      }
      if (decodeError == null) {
        decodeError = d.stats().firstDecodeError();
      }
    }
    return new Summary(read, totals, internal, decodeError);
  }
}
