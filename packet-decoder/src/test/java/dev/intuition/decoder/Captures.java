package dev.intuition.decoder;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.intuition.decoder.pcap.CaptureReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Test helper: decodes a capture file into the transactions and encrypted connections it yields. */
public final class Captures {
  public record Decoded(List<Transaction> transactions, List<Connection> encrypted,
      DecoderStats stats) {
    public List<Transaction> on(int serverPort) {
      return transactions.stream().filter(t -> t.server().port() == serverPort).toList();
    }
  }

  private Captures() {}

  /** The Packetbeat corpus in ../shared (the build passes its location as intuition.shared). */
  public static Path corpus(String name) {
    String shared = System.getProperty("intuition.shared", "../../shared");
    Path p = Path.of(shared, "corpus", "packetbeat", "pcaps", name);
    if (!Files.exists(p)) {
      p = Path.of("..", "..", "shared", "corpus", "packetbeat", "pcaps", name);
    }
    assumeTrue(Files.exists(p), "corpus file missing: " + p + " (../shared must be beside the repo)");
    return p;
  }

  public static Decoded decode(Path file) {
    return decode(file, DecoderSettings.defaults());
  }

  public static Decoded decode(Path file, DecoderSettings settings) {
    return decode(settings, decoder -> {
      try {
        CaptureReader.read(file, decoder::packet);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Runs a decoder fed by {@code feed}, finishes it, and returns everything it reported. */
  public static Decoded decode(DecoderSettings settings, Consumer<TrafficDecoder> feed) {
    List<Transaction> out = new ArrayList<>();
    List<Connection> encrypted = new ArrayList<>();
    TrafficDecoder decoder = new TrafficDecoder(settings, new TransactionListener() {
      @Override
      public void transaction(Transaction t) {
        out.add(t);
      }

      @Override
      public void encryptedConnection(Connection c, String serverName) {
        encrypted.add(c);
      }
    });
    feed.accept(decoder);
    decoder.finish();
    if (decoder.firstInternalError() != null) {
      throw new AssertionError("decoder threw", decoder.firstInternalError());
    }
    return new Decoded(out, encrypted, decoder.stats());
  }
}
