package dev.intuition.decoder;

import static dev.intuition.decoder.Traffic.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.link.LinkType;
import dev.intuition.decoder.pcap.CaptureFormatException;
import dev.intuition.decoder.pcap.CaptureReader;

import dev.intuition.decoder.pcap.SyntheticConnection.Frame;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The same HTTP exchange framed by every link layer the decoder supports, carried over IPv4 and IPv6,
 * and stored as pcap (both byte orders, micro- and nanoseconds) and as pcapng.
 */
class LinkLayerAndFormatTest {
  private static List<Frame> exchange() {
    Traffic t = new Traffic();
    t.connect(80).handshake().client(ascii("GET /x HTTP/1.1\r\nHost: h\r\n\r\n"))
        .advance(1234).server(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")).close();
    return t.frames;
  }

  private static List<Transaction> decode(LinkType link, List<byte[]> frames, List<Long> times) {
    List<Transaction> out = new ArrayList<>();
    TrafficDecoder d = new TrafficDecoder(DecoderSettings.defaults(), out::add);
    for (int i = 0; i < frames.size(); i++) {
      d.packet(link, times.get(i), frames.get(i), 0, frames.get(i).length);
    }
    d.finish();
    return out;
  }

  private static List<Transaction> reframe(LinkType link, Function<byte[], byte[]> fromEthernet) {
    List<Frame> frames = exchange();
    return decode(link, frames.stream().map(f -> fromEthernet.apply(f.bytes())).toList(),
        frames.stream().map(Frame::timestampMicros).toList());
  }

  private static byte[] ipOf(byte[] ethernet) {
    return java.util.Arrays.copyOfRange(ethernet, 14, ethernet.length);
  }

  private static byte[] prefix(byte[] head, byte[] rest) {
    return Traffic.concat(head, rest);
  }

  private static void assertOneGet(List<Transaction> ts) {
    assertEquals(1, ts.size(), ts::toString);
    assertEquals("GET", ts.get(0).method());
    assertEquals("200", ts.get(0).status());
    assertEquals(1234 + 5 + 5, ts.get(0).durationMicros());
  }

  @Test
  void everyLinkLayer() {
    assertOneGet(reframe(LinkType.ETHERNET, f -> f));
    assertOneGet(reframe(LinkType.ETHERNET, f -> { // 802.1Q, then QinQ
      byte[] tagged = new byte[f.length + 8];
      System.arraycopy(f, 0, tagged, 0, 12);
      tagged[12] = (byte) 0x88;
      tagged[13] = (byte) 0xa8;
      tagged[16] = (byte) 0x81;
      tagged[17] = 0x00;
      System.arraycopy(f, 12, tagged, 20, f.length - 12);
      return tagged;
    }));
    assertOneGet(reframe(LinkType.RAW, LinkLayerAndFormatTest::ipOf));
    assertOneGet(reframe(LinkType.IPV4, LinkLayerAndFormatTest::ipOf));
    assertOneGet(reframe(LinkType.NULL, f -> prefix(new byte[] {2, 0, 0, 0}, ipOf(f))));
    assertOneGet(reframe(LinkType.NULL, f -> prefix(new byte[] {0, 0, 0, 2}, ipOf(f))));
    assertOneGet(reframe(LinkType.LOOP, f -> prefix(new byte[] {0, 0, 0, 2}, ipOf(f))));
    byte[] sll = new byte[16];
    sll[14] = 0x08;
    assertOneGet(reframe(LinkType.LINUX_SLL, f -> prefix(sll, ipOf(f))));
    byte[] sll2 = new byte[20];
    sll2[0] = 0x08;
    assertOneGet(reframe(LinkType.LINUX_SLL2, f -> prefix(sll2, ipOf(f))));
  }

  @Test
  void ipv6WithAnExtensionHeader() {
    List<Transaction> ts = reframe(LinkType.RAW, f -> {
      byte[] v4 = ipOf(f);
      int ihl = (v4[0] & 0x0f) * 4;
      int payload = v4.length - ihl;
      ByteBuffer b = ByteBuffer.allocate(40 + 8 + payload);
      b.putInt(0x60000000).putShort((short) (8 + payload)).put((byte) 60).put((byte) 64);
      b.putLong(0x20010db800000000L).putLong(v4[15] & 0xff); // 2001:db8::N from the IPv4 source
      b.putLong(0x20010db800000000L).putLong(v4[19] & 0xff);
      b.put((byte) 6).put((byte) 0).put(new byte[6]); // destination options, then TCP
      b.put(v4, ihl, payload);
      return b.array();
    });
    assertOneGet(ts);
    assertEquals("2001:db8::2", ts.get(0).client().ip());
    assertEquals("2001:db8::9", ts.get(0).server().ip());
  }

  @Test
  void pcapInBothByteOrdersAndResolutions() throws Exception {
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      for (boolean nanos : new boolean[] {false, true}) {
        List<Frame> frames = exchange();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(ByteBuffer.allocate(24).order(order).putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4)
            .putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1)
            .array());
        for (Frame f : frames) {
          long t = f.timestampMicros();
          file.write(ByteBuffer.allocate(16).order(order).putInt((int) (t / 1_000_000))
              .putInt((int) (nanos ? t % 1_000_000 * 1000 : t % 1_000_000))
              .putInt(f.bytes().length).putInt(f.bytes().length).array());
          file.write(f.bytes());
        }
        assertOneGet(read(file.toByteArray()));
      }
    }
  }

  @Test
  void pcapngWithNanosecondInterfaceAndOtherBlocks() throws Exception {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write(block(0x0A0D0D0A, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).array()));
    // Interface 0: Ethernet with if_tsresol = 9 (nanoseconds).
    file.write(block(1, ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) 1).putShort((short) 0).putInt(65535)
        .putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3])
        .putShort((short) 0).putShort((short) 0).array()));
    file.write(block(5, new byte[12])); // an interface statistics block to skip
    for (Frame f : exchange()) {
      long nanos = f.timestampMicros() * 1000;
      int padded = (f.bytes().length + 3) & ~3;
      ByteBuffer epb = ByteBuffer.allocate(20 + padded).order(ByteOrder.LITTLE_ENDIAN)
          .putInt(0).putInt((int) (nanos >>> 32)).putInt((int) nanos)
          .putInt(f.bytes().length).putInt(f.bytes().length).put(f.bytes());
      file.write(block(6, epb.array()));
    }
    assertOneGet(read(file.toByteArray()));
  }

  @Test
  void notACapture_isAClearError() {
    CaptureFormatException e = assertThrows(CaptureFormatException.class,
        () -> read("GET / HTTP/1.1\r\n".getBytes()));
    assertTrue(e.getMessage().contains("not a pcap or pcapng capture"), e.getMessage());
  }

  @Test
  void aFileCutShort_decodesUpToItsLastWholePacket() throws Exception {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0xa1b2c3d4)
        .putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1)
        .array());
    List<Frame> frames = exchange();
    for (Frame f : frames) {
      file.write(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
          .putInt((int) (f.timestampMicros() / 1_000_000)).putInt((int) (f.timestampMicros()
              % 1_000_000)).putInt(f.bytes().length).putInt(f.bytes().length).array());
      file.write(f.bytes());
    }
    byte[] whole = file.toByteArray();
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 10);
    List<Transaction> out = new ArrayList<>();
    TrafficDecoder d = new TrafficDecoder(DecoderSettings.defaults(), out::add);
    CaptureReader.Result r = CaptureReader.read(new ByteArrayInputStream(cut), d::packet);
    d.finish();
    assertTrue(r.truncated());
    assertEquals(frames.size() - 1, r.packets());
    assertOneGet(out);
  }

  private static byte[] block(int type, byte[] body) {
    return ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN).putInt(type)
        .putInt(12 + body.length).put(body).putInt(12 + body.length).array();
  }

  private static List<Transaction> read(byte[] file) throws Exception {
    List<Transaction> out = new ArrayList<>();
    TrafficDecoder d = new TrafficDecoder(DecoderSettings.defaults(), out::add);
    CaptureReader.read(new ByteArrayInputStream(file), d::packet);
    d.finish();
    return out;
  }

}
