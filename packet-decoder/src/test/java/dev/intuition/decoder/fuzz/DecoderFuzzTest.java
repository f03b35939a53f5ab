package dev.intuition.decoder.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.intuition.decoder.DecoderSettings;
import dev.intuition.decoder.TrafficDecoder;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.link.LinkType;
import dev.intuition.decoder.pcap.CaptureFormatException;
import dev.intuition.decoder.pcap.CaptureReader;
import dev.intuition.decoder.pcap.SyntheticConnection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Throws mutated and random traffic at the whole pipeline. Whatever the input: nothing throws out of
 * the decoder (an exception inside is counted as an internal error, and here that fails), every
 * transaction is well formed, memory stays within the budget while decoding, and every buffered byte
 * is given back once the capture ends. Looping is caught by Jazzer's per-input timeout.
 *
 * <p>{@code JAZZER_FUZZ=1} fuzzes (scripts/fuzz.sh); without it the seeds replay as plain tests, and
 * {@link #randomTraffic_deterministicSample} runs a fixed pseudo-random sample on every build.
 */
class DecoderFuzzTest {
  private static final int[] PORTS = {80, 8080, 6379, 6380, 5432, 3306, 13001, 443, 9999};
  private static final String[] FRAGMENTS = {
      "GET / HTTP/1.1\r\n", "POST /login?pass=x HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\n",
      "HTTP/1.1 100 Continue\r\n\r\n", "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n",
      "\r\n", "5\r\nhello\r\n0\r\n\r\n", "Expect: 100-continue\r\n", "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
      "+OK\r\n", "-ERR x\r\n", "$-1\r\n", "*-1\r\n", "%1\r\n", ">2\r\n", "|1\r\n", "PING\r\n",
      "Q\0\0\0\rselect 1;\0", "Z\0\0\0\u0005I", "C\0\0\0\rSELECT 1\0", "E\0\0\0\u0010SERROR\0C23505\0\0",
      "\0\0\0\u0008\u0004\u00d2\u0016\u002f", "S", "N", "\u0005\0\0\0\u0003show", "\u0001\0\0\u0001\u0001",
      "\u0007\0\0\u0001\0\0\0\u0002\0\0\0", "\u0005\0\0\u0003\u00fe\0\0\u0002\0", "\u0016\u0003\u0001\0\u0005\u0001",
      "\u004a\0\0\0\n8.0.1\0"};

  private static DecoderSettings smallLimits() {
    // Tight limits so that the fuzzer reaches every "limit exceeded" path quickly.
    return DecoderSettings.defaults().withLimits(8, 4096, 2048, 64 * 1024, 16);
  }

  @FuzzTest(maxDuration = "30s")
  void tcpConversations(FuzzedDataProvider data) {
    run(data::consumeInt, data::consumeBoolean, n -> data.consumeBytes(n), data.remainingBytes());
  }

  @FuzzTest(maxDuration = "30s")
  void captureFiles(byte[] file) {
    List<Transaction> out = new ArrayList<>();
    TrafficDecoder decoder = new TrafficDecoder(smallLimits(), out::add);
    try {
      CaptureReader.read(new ByteArrayInputStream(file), decoder::packet);
    } catch (CaptureFormatException e) {
      // a clear error for a file that is not a capture: fine
    } catch (IOException e) {
      throw new AssertionError("only format errors are expected from memory", e);
    }
    decoder.finish();
    check(decoder, out);
  }

  @Test
  void randomTraffic_deterministicSample() {
    for (int seed = 0; seed < 300; seed++) {
      Random r = new Random(seed);
      run(r::nextInt, r::nextBoolean, n -> {
        byte[] b = new byte[r.nextInt(Math.max(1, n))];
        r.nextBytes(b);
        return b;
      }, 4000);
    }
  }

  interface Ints {
    int next();
  }

  interface Bools {
    boolean next();
  }

  interface Bytes {
    byte[] next(int max);
  }

  private static void run(Ints ints, Bools bools, Bytes bytes, int budget) {
    List<Transaction> out = new ArrayList<>();
    TrafficDecoder decoder = new TrafficDecoder(smallLimits(), out::add);
    List<SyntheticConnection.Frame> frames = new ArrayList<>();
    SyntheticConnection[] conns = new SyntheticConnection[4];
    for (int i = 0; i < conns.length; i++) {
      int port = PORTS[Math.floorMod(ints.next(), PORTS.length)];
      conns[i] = new SyntheticConnection(SyntheticConnection.ip(10, 0, 0, 1), 40000 + i,
          SyntheticConnection.ip(10, 0, 0, 2), port, 1_000_000_000L, frames::add);
    }
    int steps = Math.min(200, Math.max(1, budget / 8));
    for (int step = 0; step < steps; step++) {
      SyntheticConnection c = conns[Math.floorMod(ints.next(), conns.length)];
      boolean fromClient = bools.next();
      int op = Math.floorMod(ints.next(), 10);
      byte[] payload = op < 4
          ? FRAGMENTS[Math.floorMod(ints.next(), FRAGMENTS.length)].getBytes(StandardCharsets.ISO_8859_1)
          : bytes.next(64);
      int seq = fromClient ? c.clientSeq() : c.serverSeq();
      int ack = fromClient ? c.serverSeq() : c.clientSeq();
      switch (op) {
        case 0, 1, 2, 3, 4, 5 -> c.send(fromClient, payload, bools.next());
        case 6 -> c.frame(fromClient, seq + (ints.next() % 5000), ack, 0x18, payload, 0,
            payload.length);
        case 7 -> c.frame(fromClient, seq, ack + (ints.next() % 5000), ints.next() & 0x3f, payload,
            0, payload.length);
        case 8 -> c.lose(fromClient, Math.floorMod(ints.next(), 3000));
        default -> {
          if (bools.next()) {
            c.handshake();
          } else {
            c.close();
          }
        }
      }
      c.advance(Math.floorMod(ints.next(), 2_000_000));
    }
    for (SyntheticConnection.Frame f : frames) {
      byte[] frame = f.bytes();
      int cut = bools.next() ? frame.length : Math.max(0, Math.min(frame.length,
          Math.floorMod(ints.next(), frame.length + 1)));
      decoder.packet(LinkType.ETHERNET, f.timestampMicros(), frame, 0, cut);
      assertTrue(decoder.bufferedBytes() <= smallLimits().maxTotalBufferedBytes());
    }
    decoder.finish();
    check(decoder, out);
  }

  private static void check(TrafficDecoder decoder, List<Transaction> out) {
    if (decoder.firstInternalError() != null) {
      throw new AssertionError("the decoder threw", decoder.firstInternalError());
    }
    assertEquals(0, decoder.bufferedBytes(), "every buffered byte is released at the end");
    assertEquals(0, decoder.activeConnections());
    for (Transaction t : out) {
      assertTrue(t.requestBytes() >= 0 && t.responseBytes() >= 0, t::toString);
      assertTrue(t.durationMicros() == null || t.durationMicros() >= 0, t::toString);
      assertTrue(t.start() != null || t.end() != null, t::toString);
    }
  }
}
