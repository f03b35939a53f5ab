package dev.intuition.bench;

import dev.intuition.decoder.DecoderSettings;
import dev.intuition.decoder.TrafficDecoder;
import dev.intuition.decoder.link.LinkType;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Packets per second the whole decoding pipeline sustains on one thread (one core) on an HTTP
 * keep-alive capture held in memory: link layer, IP, TCP reassembly, detection, HTTP decoding, pairing,
 * redaction and the Transaction objects. Each operation is one packet.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DecoderBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DecoderBenchmark {
  static final int CONNECTIONS = 512;
  static final int REQUESTS = 100;
  /** 3 handshake + 4 per request + 3 close, per connection. */
  static final int PACKETS = CONNECTIONS * (3 + 4 * REQUESTS + 3);

  private byte[] frames;
  private int[] offsets;
  private int[] lengths;
  private long[] timestamps;

  @Setup(Level.Trial)
  public void capture() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    offsets = new int[PACKETS];
    lengths = new int[PACKETS];
    timestamps = new long[PACKETS];
    int[] n = {0};
    HttpKeepAliveTraffic.generate(CONNECTIONS, REQUESTS, f -> {
      offsets[n[0]] = bytes.size();
      lengths[n[0]] = f.bytes().length;
      timestamps[n[0]] = f.timestampMicros();
      bytes.writeBytes(f.bytes());
      n[0]++;
    });
    if (n[0] != PACKETS) {
      throw new IllegalStateException("generated " + n[0] + " packets, expected " + PACKETS);
    }
    frames = bytes.toByteArray();
  }

  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public long httpKeepAlive(Blackhole hole) {
    TrafficDecoder decoder = new TrafficDecoder(DecoderSettings.defaults(), hole::consume);
    for (int i = 0; i < PACKETS; i++) {
      decoder.packet(LinkType.ETHERNET, timestamps[i], frames, offsets[i], lengths[i]);
    }
    decoder.finish();
    return decoder.stats().get(dev.intuition.decoder.DecoderStats.Counter.TRANSACTIONS);
  }
}
