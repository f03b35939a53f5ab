package dev.intuition.decoder.pcap;

import dev.intuition.decoder.link.LinkType;

/** Receives the frames of a capture file in file order; the buffer is valid only during the call. */
@FunctionalInterface
public interface PacketSink {
  void packet(LinkType link, long timestampMicros, byte[] frame, int offset, int length);
}
