package dev.intuition.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.intuition.decoder.SplitEverywhereTest.Result;
import dev.intuition.decoder.SplitEverywhereTest.Turn;
import dev.intuition.decoder.pcap.SyntheticConnection.Frame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every conversation a decoder test builds with {@link Traffic} is also fed straight to its
 * {@link dev.intuition.decoder.protocol.ConnectionDecoder}, whole and then cut in two at every byte
 * offset of every turn (at a sample of offsets for long conversations), and must decode the same
 * each time: the same transactions, the same counters. Connections the harness cannot replay as a
 * plain conversation are left to the test alone: no SYN seen, a lost or reordered segment, a port
 * that no decoder owns by default.
 */
final class SplitHarness {
  /** Conversations up to this many bytes are cut everywhere; longer ones at a sample. */
  private static final int EVERY_OFFSET_UP_TO = 2048;
  private static final int EDGE = 48;
  private static final int STRIDES = 32;

  private SplitHarness() {}

  /** A TCP segment of a frame written by {@code SyntheticConnection} (Ethernet, IPv4, TCP). */
  private record Segment(int srcPort, int dstPort, long seq, int flags, byte[] payload) {
    static Segment of(Frame f) {
      byte[] b = f.bytes();
      int ipLength = (b[16] & 0xFF) << 8 | (b[17] & 0xFF);
      int t = 14 + (b[14] & 0x0F) * 4;
      int dataOff = t + ((b[t + 12] & 0xF0) >> 4) * 4;
      int end = 14 + ipLength;
      long seq = ((b[t + 4] & 0xFFL) << 24) | ((b[t + 5] & 0xFF) << 16) | ((b[t + 6] & 0xFF) << 8)
          | (b[t + 7] & 0xFF);
      return new Segment((b[t] & 0xFF) << 8 | (b[t + 1] & 0xFF),
          (b[t + 2] & 0xFF) << 8 | (b[t + 3] & 0xFF), seq, b[t + 13] & 0xFF,
          Arrays.copyOfRange(b, dataOff, end));
    }
  }

  private static final int SYN = 0x02;
  private static final int ACK = 0x10;

  /** Checks every conversation in {@code frames} (see the class comment). */
  static void check(List<Frame> frames) {
    Map<String, List<Segment>> connections = new LinkedHashMap<>();
    for (Frame f : frames) {
      Segment s = Segment.of(f);
      String key = Math.min(s.srcPort(), s.dstPort()) + "-" + Math.max(s.srcPort(), s.dstPort());
      connections.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
    }
    connections.forEach((key, segments) -> {
      List<Turn> turns = turns(segments);
      Protocol protocol = turns == null ? null : protocol(segments.get(0).dstPort());
      if (protocol != null && !turns.isEmpty()) {
        check(key + " " + protocol, protocol, turns);
      }
    });
  }

  /** The connection's bytes as turns, or null when it cannot be replayed as a plain conversation. */
  private static List<Turn> turns(List<Segment> segments) {
    Segment syn = segments.get(0);
    if ((syn.flags() & SYN) == 0 || (syn.flags() & ACK) != 0) {
      return null; // joined mid-stream
    }
    int clientPort = syn.srcPort();
    long[] next = {-1, -1}; // the next sequence number of each side
    List<Turn> turns = new ArrayList<>();
    for (Segment s : segments) {
      int side = s.srcPort() == clientPort ? 0 : 1;
      if ((s.flags() & SYN) != 0) {
        next[side] = (s.seq() + 1) & 0xFFFF_FFFFL;
        continue;
      }
      if (s.payload().length == 0) {
        continue;
      }
      if (s.seq() != next[side]) {
        return null; // a gap or a segment out of order: the test is about that, not about cuts
      }
      next[side] = (s.seq() + s.payload().length) & 0xFFFF_FFFFL;
      boolean fromClient = side == 0;
      Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
      if (last != null && last.fromClient() == fromClient) {
        turns.set(turns.size() - 1, new Turn(fromClient, Traffic.concat(last.bytes(),
            s.payload())));
      } else {
        turns.add(new Turn(fromClient, s.payload()));
      }
    }
    return turns;
  }

  private static Protocol protocol(int serverPort) {
    return switch (serverPort) {
      case 80, 8080 -> Protocol.HTTP;
      case 6379 -> Protocol.REDIS;
      case 5432 -> Protocol.POSTGRESQL;
      case 3306 -> Protocol.MYSQL;
      default -> null;
    };
  }

  private static void check(String name, Protocol protocol, List<Turn> turns) {
    Result whole = SplitEverywhereTest.run(protocol, turns, -1, 0);
    int total = turns.stream().mapToInt(t -> t.bytes().length).sum();
    for (int i = 0; i < turns.size(); i++) {
      int length = turns.get(i).bytes().length;
      int stride = total <= EVERY_OFFSET_UP_TO ? 1 : Math.max(1, length / STRIDES);
      for (int at = 1; at < length; at++) {
        boolean edge = at <= EDGE || at >= length - EDGE;
        if (!edge && at % stride != 0) {
          continue;
        }
        Result cut = SplitEverywhereTest.run(protocol, turns, i, at);
        int turn = i;
        int offset = at;
        assertEquals(whole.transactions(), cut.transactions(),
            () -> "split harness: " + name + ": turn " + turn + " cut at byte " + offset);
        assertEquals(whole.stats(), cut.stats(),
            () -> "split harness: " + name + ": counters, turn " + turn + " cut at byte " + offset);
      }
    }
  }
}
