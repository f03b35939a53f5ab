package dev.intuition.agent.capture;

import dev.intuition.decoder.link.LinkType;
import java.io.IOException;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;

/**
 * One libpcap handle on one interface, the only class that speaks to pcap4j. Opened on the thread that
 * is in the right network namespace; the handle keeps capturing in that namespace whichever thread reads
 * it later. Reads with {@code dispatch} and a raw listener (like {@code loop}, the fast path through
 * pcap4j, but returning on the read timeout so that an idle capture still ticks), a kernel buffer of
 * {@code bufferBytes} and immediate mode off.
 */
public final class PacketCapture implements AutoCloseable {
  /** Receives each frame with its capture time; the array is the listener's to keep. */
  @FunctionalInterface
  public interface FrameListener {
    void frame(long timestampMicros, byte[] frame);
  }

  /** libpcap's counters for a handle. */
  public record Stats(long received, long dropped, long droppedByInterface) {}

  private final PcapHandle handle;
  private final String device;
  private final LinkType linkType;

  private PacketCapture(PcapHandle handle, String device, LinkType linkType) {
    this.handle = handle;
    this.device = device;
    this.linkType = linkType;
  }

  /**
   * Opens {@code device} in the calling thread's network namespace.
   *
   * @throws IOException with libpcap's message when the device cannot be opened or the filter compiled
   */
  public static PacketCapture open(String device, int snaplen, int bufferBytes, String filter)
      throws IOException {
    PcapHandle h;
    try {
      h = new PcapHandle.Builder(device)
          .snaplen(snaplen)
          .promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
          .timeoutMillis(READ_TIMEOUT_MILLIS)
          .bufferSize(bufferBytes)
          .immediateMode(false)
          .timestampPrecision(PcapHandle.TimestampPrecision.MICRO)
          .build();
    } catch (PcapNativeException e) {
      throw new IOException("cannot capture on " + device + ": " + e.getMessage(), e);
    }
    try {
      if (filter != null && !filter.isBlank()) {
        h.setFilter(filter, BpfCompileMode.OPTIMIZE);
      }
      LinkType link = LinkType.fromCode(h.getDlt().value());
      if (link == null) {
        h.close();
        throw new IOException(device + " has link type " + h.getDlt() + ", which is not decoded");
      }
      return new PacketCapture(h, device, link);
    } catch (PcapNativeException | NotOpenException e) {
      h.close();
      throw new IOException("cannot set filter '" + filter + "' on " + device + ": "
          + e.getMessage(), e);
    }
  }

  public String device() {
    return device;
  }

  public LinkType linkType() {
    return linkType;
  }

  /**
   * Delivers the frames that arrived, or waits up to the read timeout (250 ms) for some: returns how
   * many were delivered (0 after a quiet timeout), so that the caller can do periodic work between calls.
   */
  public int dispatch(FrameListener listener) throws IOException {
    RawPacketListener raw = packet -> {
      java.sql.Timestamp ts = handle.getTimestamp();
      long micros = Math.floorDiv(ts.getTime(), 1000) * 1_000_000L + ts.getNanos() / 1000;
      listener.frame(micros, packet);
    };
    try {
      return handle.dispatch(-1, raw);
    } catch (InterruptedException e) {
      return 0; // stop() broke the dispatch
    } catch (PcapNativeException | NotOpenException e) {
      if (!handle.isOpen()) {
        return 0;
      }
      throw new IOException("capture on " + device + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Delivers what the kernel still holds after {@link #stop}, without blocking: libpcap's read
   * timeout does not fire on an idle interface (Linux TPACKET_V3 retires only blocks that hold
   * packets), so a blocking read could wait forever. Reads until nothing more has come for longer
   * than the kernel takes to hand over a partly filled block (the read timeout), or for
   * {@code maxMillis} at most.
   *
   * @return the frames delivered
   */
  public int drain(FrameListener listener, long maxMillis) throws IOException {
    try {
      handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
    } catch (PcapNativeException | NotOpenException e) {
      return 0;
    }
    long start = System.nanoTime();
    long lastFrame = start;
    int total = 0;
    while (System.nanoTime() - start < maxMillis * 1_000_000) {
      int n = dispatch(listener);
      if (n > 0) {
        total += n;
        lastFrame = System.nanoTime();
      } else if (System.nanoTime() - lastFrame > (READ_TIMEOUT_MILLIS + 100) * 1_000_000L) {
        break;
      } else {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return total;
  }

  /** libpcap's read timeout, also how long the kernel keeps a partly filled block. */
  static final int READ_TIMEOUT_MILLIS = 250;

  /** Makes a running {@link #dispatch} return now (from any thread). */
  public void stop() {
    try {
      handle.breakLoop();
    } catch (NotOpenException e) {
      // already closed
    }
  }

  public Stats stats() {
    try {
      PcapStat s = handle.getStats();
      return new Stats(s.getNumPacketsReceived(), s.getNumPacketsDropped(),
          s.getNumPacketsDroppedByIf());
    } catch (PcapNativeException | NotOpenException e) {
      return new Stats(0, 0, 0);
    }
  }

  @Override
  public void close() {
    handle.close();
  }
}
