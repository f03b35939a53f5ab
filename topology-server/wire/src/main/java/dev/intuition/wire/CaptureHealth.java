package dev.intuition.wire;

import java.util.Map;

/**
 * What the capture of one network namespace has seen so far.
 *
 * @param name the container (or {@code host})
 * @param packets packets libpcap delivered
 * @param dropped packets the kernel dropped because the agent did not read them in time
 * @param droppedByInterface packets the interface dropped
 * @param decoder the decoders' counters by their wire names ({@code gaps}, {@code decodeErrors}, ...)
 * @param error why the capture failed, or null
 */
public record CaptureHealth(String name, long packets, long dropped, long droppedByInterface,
    Map<String, Long> decoder, String error) {
  public CaptureHealth {
    decoder = decoder == null ? Map.of() : decoder;
  }
}
