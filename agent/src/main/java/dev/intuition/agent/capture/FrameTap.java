package dev.intuition.agent.capture;

import dev.intuition.decoder.link.LinkType;
import java.io.IOException;

/** Receives the raw frames of a capture (recording a bundle) besides, or instead of, decoding them. */
public interface FrameTap {
  /** An interface of the namespace opened; returns the number its frames will carry. */
  int open(String device, LinkType link, int snaplen) throws IOException;

  /** A frame; called on the interface's capture thread. */
  void frame(int iface, long timestampMicros, byte[] frame);
}
