package dev.intuition.decoder.pcap;

import dev.intuition.decoder.link.LinkType;

/** Receives the frames of a capture file in file order; the buffer is valid only during the call. */
@FunctionalInterface
public interface PacketSink {
  void packet(LinkType link, long timestampMicros, byte[] frame, int offset, int length);

  /**
   * The same with the capture interface the frame came from (pcapng interface number; 0 in pcap).
   * Bundles use it to know which container's namespace saw each frame.
   */
  default void packet(int interfaceIndex, LinkType link, long timestampMicros, byte[] frame,
      int offset, int length) {
    packet(link, timestampMicros, frame, offset, length);
  }
}
