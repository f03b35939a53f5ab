package dev.intuition.agent;

import dev.intuition.decoder.Connection;
import dev.intuition.decoder.DecoderSettings;
import dev.intuition.decoder.DecoderStats;
import dev.intuition.decoder.DecoderStats.Counter;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.TransactionListener;
import dev.intuition.decoder.json.JsonWriter;
import dev.intuition.decoder.json.TransactionJson;
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

/**
 * {@code intuition decode}: reads pcap / pcapng files and prints one Transaction JSON object per line on
 * stdout, then a summary on stderr. Each file is its own capture (connections do not span files). A file
 * that cannot be read is reported and skipped; the others are still decoded, and the exit status is 1.
 */
final class DecodeCommand {
  private final PrintStream out;
  private final PrintStream err;

  DecodeCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  static String help() {
    return """
        Usage: intuition decode [OPTIONS] FILE...

        Decodes pcap or pcapng captures, or bundles written by 'intuition record', into HTTP, Redis,
        PostgreSQL and MySQL transactions: one JSON object per line on stdout, a summary on stderr.
        Protocols are found by well-known port, then by the first bytes of each direction, so no port
        configuration is needed. Transactions from a bundle carry their containers and services.

        Options:
          --port PROTOCOL=PORT[,PORT]  treat a port as a protocol (http, redis, postgresql, mysql, tls);
                                       repeatable; wins over detection
          --no-redact                  keep secrets (password fields, Redis AUTH, SQL passwords) in clear
          --max-query-length N         characters of query text kept (default 2048)
          --quiet                      no summary on stderr
          -h, --help                   this help
        """;
  }

  int run(String[] args) {
    List<String> portOptions = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    boolean redact = true;
    boolean quiet = false;
    int maxQuery = DecoderSettings.defaults().maxQueryLength();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("-h") || a.equals("--help")) {
          out.print(help());
          return 0;
        } else if (a.equals("--port")) {
          portOptions.add(value(args, ++i, "--port"));
        } else if (a.startsWith("--port=")) {
          portOptions.add(a.substring("--port=".length()));
        } else if (a.equals("--no-redact")) {
          redact = false;
        } else if (a.equals("--quiet")) {
          quiet = true;
        } else if (a.equals("--max-query-length")) {
          maxQuery = positive(value(args, ++i, a), a);
        } else if (a.startsWith("-") && !a.equals("-")) {
          throw new CommandLineException("decode: unknown option '" + a + "' (try --help)");
        } else {
          files.add(Path.of(a));
        }
      }
      var ports = DecoderSettings.parsePortOptions(portOptions);
      if (files.isEmpty()) {
        throw new CommandLineException("decode: no capture file given (try --help)");
      }
      DecoderSettings settings = DecoderSettings.defaults()
          .withPortProtocols(ports)
          .withRedact(redact)
          .withMaxQueryLength(maxQuery);
      return decode(settings, files, quiet);
    } catch (CommandLineException | IllegalArgumentException e) {
      err.println("intuition " + (e.getMessage().startsWith("decode") ? "" : "decode: ")
          + e.getMessage());
      return Main.EXIT_USAGE;
    }
  }

  private int decode(DecoderSettings settings, List<Path> files, boolean quiet) {
    OutputStream stdout = new NonClosing(out);
    JsonWriter json = new JsonWriter(stdout, 1 << 20);
    Map<Counter, Long> totals = new EnumMap<>(Counter.class);
    Map<Protocol, Integer> encrypted = new HashMap<>();
    int failures = 0;
    String firstDecodeError = null;
    long started = System.nanoTime();
    for (Path file : files) {
      TransactionListener listener = new TransactionListener() {
        @Override
        public void transaction(Transaction t) {
          TransactionJson.write(t, json);
          json.newline();
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
        CaptureFiles.Summary summary = CaptureFiles.decode(file, settings, listener, false);
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
      } catch (java.io.UncheckedIOException e) {
        return 1; // stdout closed (e.g. piped into head): stop quietly
      }
    }
    try {
      json.flush();
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

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new CommandLineException("decode: " + option + " needs a value (try --help)");
    }
    return args[i];
  }

  private static int positive(String v, String option) {
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new CommandLineException("decode: " + option + " expects a positive number, got '" + v
        + "'");
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
