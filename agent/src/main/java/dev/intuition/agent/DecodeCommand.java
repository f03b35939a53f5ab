package dev.intuition.agent;

import dev.intuition.cli.Cli;
import dev.intuition.decoder.Connection;
import dev.intuition.decoder.DecoderSettings;
import dev.intuition.decoder.DecoderStats;
import dev.intuition.decoder.DecoderStats.Counter;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.TransactionListener;
import dev.intuition.decoder.pcap.CaptureReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code intuition decode}: reads pcap / pcapng files and prints one Transaction JSON object per line on
 * stdout, then a summary on stderr. Each file is its own capture (connections do not span files). A file
 * that cannot be read is reported and skipped; the others are still decoded, and the exit status is 1.
 */
@Command(name = "decode", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    abbreviateSynopsis = true, sortOptions = false,
    description = {"Decode pcap / pcapng files or bundles: one transaction JSON per line.", "",
        "Decodes pcap or pcapng captures, or bundles written by 'intuition record', into"
        + " HTTP, Redis, PostgreSQL and MySQL transactions: one JSON object per line on stdout, a"
        + " summary on stderr. Protocols are found by well-known port, then by the first bytes of each"
        + " direction, so no port configuration is needed. Transactions from a bundle carry their"
        + " containers and services.", ""})
final class DecodeCommand implements Callable<Integer> {
  private final PrintStream out;
  private final PrintStream err;

  @Mixin
  ProtocolPortOptions ports = new ProtocolPortOptions();

  @Option(names = "--no-redact", negatable = false,
      description = "keep secrets (password fields, Redis AUTH, SQL passwords) in clear")
  boolean noRedact;

  @Option(names = "--max-query-length", paramLabel = "N", converter = Cli.Size.class,
      description = "characters of query text kept (default ${DEFAULT-VALUE})")
  int maxQuery = DecoderSettings.defaults().maxQueryLength();

  @Option(names = "--quiet", description = "no summary on stderr")
  boolean quiet;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "captures (pcap, pcapng) or bundles")
  List<Path> files = new ArrayList<>();

  DecodeCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    DecoderSettings settings = DecoderSettings.defaults()
        .withPortProtocols(ports.protocols())
        .withRedact(!noRedact)
        .withMaxQueryLength(maxQuery);
    return decode(settings, files, quiet);
  }

  private int decode(DecoderSettings settings, List<Path> files, boolean quiet) {
    OutputStream stdout = new NonClosing(out);
    JsonLines json = new JsonLines(stdout, 1 << 20);
    Map<Counter, Long> totals = new EnumMap<>(Counter.class);
    Map<Protocol, Integer> encrypted = new HashMap<>();
    int failures = 0;
    String firstDecodeError = null;
    long started = System.nanoTime();
    for (Path file : files) {
      if (json.failed()) {
        break; // stdout closed (e.g. piped into head): finish() below says so
      }
      TransactionListener listener = new TransactionListener() {
        @Override
        public void transaction(Transaction t) {
          json.add(t);
        }

        @Override
        public void encryptedConnection(Connection connection, String serverName) {
          encrypted.merge(Protocol.TLS, 1, Integer::sum);
        }
      };
      try {
        if (!Files.isRegularFile(file)) {
          throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        CaptureFiles.Summary summary = CaptureFiles.decode(file, settings, listener, false,
            json::failed); // stdout closed (piped into head): stop reading
        if (json.failed()) {
          break;
        }
        CaptureReader.Result result = summary.read();
        if (result.truncated()) {
          err.println("intuition decode: " + file + ": the capture is cut short; decoded up to its"
              + " last whole packet");
        }
        if (result.unsupportedLinkPackets() > 0) {
          err.println("intuition decode: " + file + ": " + result.unsupportedLinkPackets()
              + " packets of an unsupported link type were skipped");
        }
        if (summary.internalError() != null) {
          err.println("intuition decode: " + file + ": internal decoder error (a bug, please"
              + " report): " + summary.internalError());
        }
        summary.stats().forEach((k, v) -> totals.merge(k, v, Long::sum));
        if (firstDecodeError == null && summary.firstDecodeError() != null) {
          firstDecodeError = file.getFileName() + ": " + summary.firstDecodeError();
        }
      } catch (NoSuchFileException e) {
        err.println("intuition decode: " + file + ": no such file");
        failures++;
      } catch (IOException e) {
        err.println("intuition decode: " + e.getMessage());
        failures++;
      }
    }
    try {
      json.finish();
    } catch (java.io.UncheckedIOException e) {
      return 1;
    }
    if (!quiet) {
      DecoderStats all = DecoderStats.of(totals, firstDecodeError);
      double seconds = (System.nanoTime() - started) / 1e9;
      err.printf(Locale.ROOT, "decoded %d file(s) in %.2f s%n", files.size() - failures, seconds);
      err.println(all.summary());
    }
    return failures == 0 ? 0 : 1;
  }

  /** Lets the buffered stream be flushed without closing System.out. */
  private static final class NonClosing extends OutputStream {
    private final PrintStream target;

    NonClosing(PrintStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      target.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      target.write(b, off, len);
      if (target.checkError()) {
        throw new java.io.UncheckedIOException(new IOException("stdout closed"));
      }
    }

    @Override
    public void flush() {
      target.flush();
    }
  }
}
