package dev.intuition.bench;

import dev.intuition.decoder.link.LinkType;
import dev.intuition.decoder.pcap.PcapWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a large synthetic HTTP keep-alive capture (pcap, Ethernet) for comparing {@code ./intuition
 * decode} with tshark on the same input. Usage: {@code CaptureGenerator FILE CONNECTIONS REQUESTS}.
 */
public final class CaptureGenerator {
  private CaptureGenerator() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: CaptureGenerator FILE CONNECTIONS REQUESTS_PER_CONNECTION");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    int connections = Integer.parseInt(args[1]);
    int requests = Integer.parseInt(args[2]);
    long[] packets = {0};
    try (OutputStream out = Files.newOutputStream(file);
        PcapWriter writer = new PcapWriter(out, LinkType.ETHERNET, 65535)) {
      HttpKeepAliveTraffic.generate(connections, requests, f -> {
        try {
          writer.packet(f.timestampMicros(), f.bytes());
          packets[0]++;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    System.err.printf("wrote %s: %d packets, %d HTTP transactions, %d bytes%n", file, packets[0],
        (long) connections * requests, Files.size(file));
  }
}
