package dev.intuition.server.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.decoder.Transaction;
import dev.intuition.server.TopologyServer.AgentToken;
import dev.intuition.server.api.ApiException;
import dev.intuition.server.graph.GraphAggregator;
import dev.intuition.server.inventory.AddressBook;
import jakarta.servlet.http.HttpServletRequest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/ingest}: batches from agents and {@code intuition replay} (docs/wire-format.md).
 * A batch is taken whole or refused whole with a JSON error: 401 without the right token, 426 for a
 * wire version this server does not speak, 413 beyond the size limits (compressed and decompressed,
 * so that a small gzip bomb cannot exhaust memory), 400 for anything malformed. Refusing one batch
 * loses nothing else. Agents' inventories go to the {@link AddressBook}, which names the ends an agent
 * could not and drops client-side observations that the server side's agent also reports.
 */
@RestController
public class IngestController {
  /** A batch as sent (docs/wire-format.md). */
  record Batch(Integer version, Map<String, Object> agent, Long sequence, String sentAt,
      List<Transaction> transactions, JsonNode inventory, JsonNode health) {}

  public static final int WIRE_VERSION = 1;

  private final GraphAggregator aggregator;
  private final dev.intuition.server.storage.TransactionStore store;
  private final AgentToken token;
  private final long maxRequestBytes;
  private final long maxBodyBytes;
  private final AddressBook addresses;
  private final ObjectMapper json = dev.intuition.server.Json.mapper();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  private final dev.intuition.server.metrics.EdgeMetrics metrics;

  IngestController(GraphAggregator aggregator, dev.intuition.server.storage.TransactionStore store,
      AddressBook addresses, AgentToken token, dev.intuition.server.metrics.EdgeMetrics metrics,
      io.micrometer.core.instrument.MeterRegistry registry,
      @Value("${intuition.ingest.max-request-bytes:16777216}") long maxRequestBytes,
      @Value("${intuition.ingest.max-body-bytes:67108864}") long maxBodyBytes) {
    this.aggregator = aggregator;
    this.store = store;
    this.addresses = addresses;
    this.token = token;
    this.metrics = metrics;
    io.micrometer.core.instrument.FunctionCounter.builder("intuition.ingest.batches", batches,
        AtomicLong::get).description("Batches accepted").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("intuition.ingest.transactions",
        transactions, AtomicLong::get).description("Transactions accepted").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("intuition.ingest.refused", refused,
        AtomicLong::get).description("Batches refused with a 4xx").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("intuition.ingest.duplicates",
        duplicates, AtomicLong::get).description("Client-side observations dropped: the server"
        + " side reports the same calls").register(registry);
    this.maxRequestBytes = maxRequestBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  @PostMapping("/api/v1/ingest")
  ResponseEntity<Map<String, Object>> ingest(HttpServletRequest request) throws IOException {
    try {
      Batch batch = read(request);
      if (batch.inventory() != null && batch.inventory().isObject()) {
        Object id = batch.agent() == null ? null : batch.agent().get("id");
        Object host = batch.agent() == null ? null : batch.agent().get("host");
        addresses.update(id == null ? request.getRemoteAddr() : id.toString(),
            host == null ? null : host.toString(), batch.inventory(), batch.health());
      }
      List<Transaction> kept = new ArrayList<>(batch.transactions().size());
      int duplicated = 0;
      for (Transaction t : batch.transactions()) {
        if (addresses.seenByServerSide(t)) {
          duplicated++; // the server side's agent reports the same call
          continue;
        }
        Transaction resolved = addresses.resolve(t);
        aggregator.add(resolved);
        metrics.record(resolved);
        kept.add(resolved);
      }
      store.add(kept);
      batches.incrementAndGet();
      transactions.addAndGet(kept.size());
      duplicates.addAndGet(duplicated);
      return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("accepted",
          batch.transactions().size(), "duplicates", duplicated,
          "sequence", batch.sequence() == null ? 0 : batch.sequence()));
    } catch (ApiException e) {
      refused.incrementAndGet();
      throw e;
    }
  }

  private Batch read(HttpServletRequest request) throws IOException {
    String auth = request.getHeader("Authorization");
    if (auth == null || !auth.startsWith("Bearer ") || !token.matches(auth.substring(7).trim())) {
      throw new ApiException(HttpStatus.UNAUTHORIZED,
          "missing or wrong token: send 'Authorization: Bearer <INTUITION_TOKEN>'");
    }
    String version = request.getHeader("X-Intuition-Wire-Version");
    if (version != null && !version.trim().equals(Integer.toString(WIRE_VERSION))) {
      throw new ApiException(HttpStatus.UPGRADE_REQUIRED, "wire version " + version
          + " is not supported; this server speaks version " + WIRE_VERSION);
    }
    if (request.getContentLengthLong() > maxRequestBytes) {
      throw tooLarge("request", maxRequestBytes);
    }
    InputStream in = new Limited(request.getInputStream(), maxRequestBytes, "request");
    String encoding = request.getHeader("Content-Encoding");
    if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
      try {
        in = new Limited(new GZIPInputStream(in), maxBodyBytes, "decompressed body");
      } catch (ZipException e) {
        throw new ApiException(HttpStatus.BAD_REQUEST, "Content-Encoding is gzip but the body is"
            + " not: " + e.getMessage());
      }
    } else if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
      throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "Content-Encoding " + encoding + " is not supported (gzip or none)");
    }
    Batch batch;
    try {
      batch = json.readValue(in, Batch.class);
    } catch (TooLarge e) {
      throw tooLarge(e.what, e.limit);
    } catch (ZipException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "the gzip body is corrupt: " + e.getMessage());
    } catch (JsonProcessingException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "malformed batch: "
          + e.getOriginalMessage());
    }
    if (batch == null) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "empty body: a batch is a JSON object");
    }
    if (batch.version() == null) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "the batch has no 'version'");
    }
    if (batch.version() != WIRE_VERSION) {
      throw new ApiException(HttpStatus.UPGRADE_REQUIRED, "wire version " + batch.version()
          + " is not supported; this server speaks version " + WIRE_VERSION);
    }
    if (batch.transactions() == null) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "the batch has no 'transactions' array");
    }
    for (int i = 0; i < batch.transactions().size(); i++) {
      Transaction t = batch.transactions().get(i);
      String missing = t == null ? "the whole transaction" : t.protocol() == null ? "protocol"
          : t.client() == null ? "client" : t.server() == null ? "server"
          : t.outcome() == null ? "outcome" : t.start() == null && t.end() == null
          ? "start or end" : null;
      if (missing != null) {
        throw new ApiException(HttpStatus.BAD_REQUEST, "transaction " + i + " has no " + missing);
      }
    }
    return batch;
  }

  private static ApiException tooLarge(String what, long limit) {
    return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "the " + what + " is larger than "
        + limit + " bytes; send smaller batches");
  }

  public long batches() {
    return batches.get();
  }

  public long transactions() {
    return transactions.get();
  }

  /** Client-side observations dropped because the server side reports the same calls. */
  public long duplicates() {
    return duplicates.get();
  }

  public long refused() {
    return refused.get();
  }

  /** Thrown by {@link Limited} when a stream goes past its limit. */
  static final class TooLarge extends IOException {
    final String what;
    final long limit;

    TooLarge(String what, long limit) {
      super(what + " over " + limit + " bytes");
      this.what = what;
      this.limit = limit;
    }
  }

  /** Reads at most {@code limit} bytes, then fails. */
  static final class Limited extends FilterInputStream {
    private final long limit;
    private final String what;
    private long read;

    Limited(InputStream in, long limit, String what) {
      super(in);
      this.limit = limit;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0 && ++read > limit) {
        throw new TooLarge(what, limit);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0 && (read += n) > limit) {
        throw new TooLarge(what, limit);
      }
      return n;
    }
  }
}
