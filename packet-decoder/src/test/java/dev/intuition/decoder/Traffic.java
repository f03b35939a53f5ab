package dev.intuition.decoder;

import dev.intuition.decoder.link.LinkType;
import dev.intuition.decoder.pcap.SyntheticConnection;
import dev.intuition.decoder.pcap.SyntheticConnection.Frame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Test helper: synthetic conversations decoded in memory. */
final class Traffic {
  static final int CLIENT = SyntheticConnection.ip(10, 1, 0, 2);
  static final int SERVER = SyntheticConnection.ip(10, 1, 0, 9);
  final List<Frame> frames = new ArrayList<>();
  private int nextPort = 40000;

  SyntheticConnection connect(int serverPort) {
    return new SyntheticConnection(CLIENT, nextPort++, SERVER, serverPort, 1_700_000_000_000_000L,
        frames::add);
  }

  /**
   * Decodes the frames as captured, and checks with {@link SplitHarness} that each conversation
   * decodes the same at the decoder level however its bytes are cut.
   */
  Captures.Decoded decode() {
    SplitHarness.check(frames);
    return decode(DecoderSettings.defaults(), UnaryOperator.identity());
  }

  Captures.Decoded decode(DecoderSettings settings, UnaryOperator<List<Frame>> transform) {
    return Captures.decode(settings, decoder -> {
      for (Frame f : transform.apply(new ArrayList<>(frames))) {
        decoder.packet(LinkType.ETHERNET, f.timestampMicros(), f.bytes(), 0, f.bytes().length);
      }
    });
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }
}
