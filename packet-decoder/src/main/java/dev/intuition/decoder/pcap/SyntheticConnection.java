package dev.intuition.decoder.pcap;

import java.util.function.Consumer;

/**
 * Builds the Ethernet / IPv4 / TCP frames of one conversation between a client and a server, with
 * correct sequence and acknowledgment numbers, so that tests, the fuzzer and the benchmark capture
 * generator can produce realistic traffic: handshake, data split into segments of a chosen size, ACKs,
 * FIN. Frames go to a consumer as they are made, together with their timestamp.
 */
public final class SyntheticConnection {
  /** A frame and its capture time. */
  public record Frame(long timestampMicros, byte[] bytes) {}

  private static final int FIN = 0x01;
  private static final int SYN = 0x02;
  private static final int RST = 0x04;
  private static final int PSH = 0x08;
  private static final int ACK = 0x10;

  private final int clientIp;
  private final int serverIp;
  private final int clientPort;
  private final int serverPort;
  private final Consumer<Frame> sink;
  private int clientSeq;
  private int serverSeq;
  private long now;
  private int mss = 1448;
  private int ipId;

  public SyntheticConnection(int clientIp, int clientPort, int serverIp, int serverPort,
      long startMicros, Consumer<Frame> sink) {
    this.clientIp = clientIp;
    this.serverIp = serverIp;
    this.clientPort = clientPort;
    this.serverPort = serverPort;
    this.now = startMicros;
    this.sink = sink;
    this.clientSeq = 1_000_000 + clientPort * 7919;
    this.serverSeq = 2_000_000 + serverPort * 104_729;
  }

  /** IPv4 address a.b.c.d as an int. */
  public static int ip(int a, int b, int c, int d) {
    return a << 24 | b << 16 | c << 8 | d;
  }

  public SyntheticConnection mss(int segmentSize) {
    this.mss = segmentSize;
    return this;
  }

  public SyntheticConnection advance(long micros) {
    now += micros;
    return this;
  }

  public long now() {
    return now;
  }

  public SyntheticConnection handshake() {
    frame(true, clientSeq, 0, SYN, new byte[0], 0, 0);
    clientSeq++;
    advance(20);
    frame(false, serverSeq, clientSeq, SYN | ACK, new byte[0], 0, 0);
    serverSeq++;
    advance(20);
    frame(true, clientSeq, serverSeq, ACK, new byte[0], 0, 0);
    return this;
  }

  /** Sends bytes from the client in segments of at most {@code mss}, then the server's ACK. */
  public SyntheticConnection client(byte[] data) {
    return send(true, data, true);
  }

  public SyntheticConnection server(byte[] data) {
    return send(false, data, true);
  }

  /** Sends bytes without the peer's ACK afterwards (as in a pipelined burst). */
  public SyntheticConnection send(boolean fromClient, byte[] data, boolean ack) {
    for (int off = 0; off < data.length; off += mss) {
      int n = Math.min(mss, data.length - off);
      if (fromClient) {
        frame(true, clientSeq, serverSeq, ACK | PSH, data, off, n);
        clientSeq += n;
      } else {
        frame(false, serverSeq, clientSeq, ACK | PSH, data, off, n);
        serverSeq += n;
      }
      advance(5);
    }
    if (ack) {
      ack(!fromClient);
    }
    return this;
  }

  /** Sends a segment whose bytes the capture did not keep: sequence space advances, no frame. */
  public SyntheticConnection lose(boolean fromClient, int length) {
    if (fromClient) {
      clientSeq += length;
    } else {
      serverSeq += length;
    }
    return this;
  }

  public SyntheticConnection ack(boolean fromClient) {
    frame(fromClient, fromClient ? clientSeq : serverSeq, fromClient ? serverSeq : clientSeq, ACK,
        new byte[0], 0, 0);
    advance(5);
    return this;
  }

  public SyntheticConnection close() {
    frame(true, clientSeq, serverSeq, FIN | ACK, new byte[0], 0, 0);
    clientSeq++;
    advance(20);
    frame(false, serverSeq, clientSeq, FIN | ACK, new byte[0], 0, 0);
    serverSeq++;
    advance(20);
    frame(true, clientSeq, serverSeq, ACK, new byte[0], 0, 0);
    return this;
  }

  public SyntheticConnection reset(boolean fromClient) {
    frame(fromClient, fromClient ? clientSeq : serverSeq, 0, RST, new byte[0], 0, 0);
    return this;
  }

  /** One raw frame with arbitrary sequence numbers and flags (for reordering and fuzzing). */
  public void frame(boolean fromClient, int seq, int ackNumber, int flags, byte[] data, int off,
      int len) {
    byte[] f = new byte[14 + 20 + 20 + len];
    // Ethernet: made-up MACs, IPv4 ethertype.
    f[5] = (byte) (fromClient ? 2 : 1);
    f[11] = (byte) (fromClient ? 1 : 2);
    f[12] = 0x08;
    int ipOff = 14;
    f[ipOff] = 0x45;
    be16(f, ipOff + 2, 40 + len);
    be16(f, ipOff + 4, ipId++);
    f[ipOff + 6] = 0x40; // don't fragment
    f[ipOff + 8] = 64;
    f[ipOff + 9] = 6;
    be32(f, ipOff + 12, fromClient ? clientIp : serverIp);
    be32(f, ipOff + 16, fromClient ? serverIp : clientIp);
    int t = ipOff + 20;
    be16(f, t, fromClient ? clientPort : serverPort);
    be16(f, t + 2, fromClient ? serverPort : clientPort);
    be32(f, t + 4, seq);
    be32(f, t + 8, ackNumber);
    f[t + 12] = 0x50;
    f[t + 13] = (byte) flags;
    be16(f, t + 14, 65535);
    System.arraycopy(data, off, f, t + 20, len);
    sink.accept(new Frame(now, f));
  }

  public int clientSeq() {
    return clientSeq;
  }

  public int serverSeq() {
    return serverSeq;
  }

  private static void be16(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 8);
    b[p + 1] = (byte) v;
  }

  private static void be32(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
  }
}
