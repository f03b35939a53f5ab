package dev.intuition.server.ingest;

import dev.intuition.core.ingest.Ingester;
import dev.intuition.server.TopologyServer.AgentToken;
import dev.intuition.server.api.ApiException;
import dev.intuition.wire.Batch;
import dev.intuition.wire.IngestAnswer;
import dev.intuition.wire.Summary;
import dev.intuition.wire.Wire;
import dev.intuition.wire.WireCodec;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/ingest}: batches from agents and {@code intuition replay} (docs/wire-format.md).
 * The controller authenticates, reads the batch as a stream ({@link BatchReader}: checked whole, so
 * that a bad batch is refused whole) and hands it to the {@link Ingester}. Answers: 202 taken (also
 * for a batch that had been taken before: it is not applied again); 401 without the right token;
 * 426 for a wire version this server does not speak; 413 beyond the size limits; 400 for anything
 * malformed, naming the offending transaction; 503 with Retry-After while too many bytes of batches
 * are in flight. Refusing one batch loses nothing else.
 */
@RestController
public class IngestController {
  private final Ingester ingester;
  private final BatchReader reader;
  private final InFlightBytes inFlight;
  private final AgentToken token;
  private final AtomicLong refused = new AtomicLong();

  IngestController(Ingester ingester, BatchReader reader, InFlightBytes inFlight,
      AgentToken token, MeterRegistry registry) {
    this.ingester = ingester;
    this.reader = reader;
    this.inFlight = inFlight;
    this.token = token;
    counter(registry, "intuition.ingest.batches", "Batches applied", ingester::batches);
    counter(registry, "intuition.ingest.transactions", "Transactions applied",
        ingester::transactions);
    counter(registry, "intuition.ingest.refused", "Batches refused with a 4xx", refused::get);
    counter(registry, "intuition.ingest.overloaded", "Batches answered 503: too many bytes in"
        + " flight", inFlight::refused);
    counter(registry, "intuition.ingest.repeated", "Batches sent again after a lost answer,"
        + " not applied twice", ingester::repeated);
    counter(registry, "intuition.ingest.duplicates", "Client-side observations dropped: the"
        + " server side reports the same calls", ingester::duplicates);
    counter(registry, "intuition.ingest.future", "Calls dropped: ending too far after the"
        + " server's now, even after correcting their agent's clock", ingester::future);
    counter(registry, "intuition.ingest.expired", "Calls dropped: older than the retention",
        ingester::expired);
    counter(registry, "intuition.ingest.late", "Calls older than the live window: history only",
        ingester::late);
    counter(registry, "intuition.ingest.truncated", "Calls whose texts were cut to the limits",
        ingester::truncated);
    counter(registry, "intuition.ingest.samples.over.budget",
        "Sampled calls not stored: their agent was past its share of the sample budget",
        ingester::samplesOverBudget);
    Gauge.builder("intuition.ingest.in.flight.bytes", inFlight::used)
        .description("Decompressed bytes of batches being read or applied now").register(registry);
  }

  /** What the counters read: Micrometer holds function counters' objects weakly. */
  private final java.util.List<Supplier<Long>> counted = new java.util.ArrayList<>();

  private void counter(MeterRegistry registry, String name, String description,
      Supplier<Long> value) {
    counted.add(value);
    FunctionCounter.builder(name, value, v -> v.get()).description(description)
        .register(registry);
  }

  @PostMapping(Wire.PATH)
  ResponseEntity<byte[]> ingest(HttpServletRequest request) throws IOException {
    try (InFlightBytes.Lease lease = inFlight.lease()) {
      String auth = request.getHeader(Wire.AUTHORIZATION_HEADER);
      if (auth == null || !auth.startsWith(Wire.BEARER)
          || !token.matches(auth.substring(Wire.BEARER.length()).trim())) {
        throw new ApiException(HttpStatus.UNAUTHORIZED,
            "missing or wrong token: send 'Authorization: Bearer <INTUITION_TOKEN>'");
      }
      String version = request.getHeader(Wire.VERSION_HEADER);
      if (version != null && !supported(version.trim())) {
        throw BatchReader.unsupported(version);
      }
      BatchReader.Checked checked = reader.read(request.getInputStream(),
          request.getContentLengthLong(), request.getHeader("Content-Encoding"), lease);
      Batch batch = checked.batch();
      String agent = batch.agentId() != null && !batch.agentId().isBlank() ? batch.agentId()
          : request.getRemoteAddr();
      Instant sentAt = WireCodec.parseInstant(request.getHeader(Wire.SENT_AT_HEADER));
      Ingester.Result r = ingester.apply(batch, checked.truncated(), agent,
          sentAt != null ? sentAt : batch.sentAt());
      long carried = batch.transactions().size();
      for (Summary x : batch.summaries()) {
        carried += x.stats().count();
      }
      IngestAnswer answer = new IngestAnswer(r.repeated() ? 0 : carried,
          r.accepted(), r.duplicates(), batch.sequence(), r.repeated(), r.future(), r.expired(),
          r.late(), r.truncated(), r.clockOffsetSeconds(), r.names(), r.samplesPerSecond());
      return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
          .body(WireCodec.toBytes(answer));
    } catch (ApiException e) {
      if (e.status().is4xxClientError()) {
        refused.incrementAndGet();
      }
      throw e;
    }
  }

  private static boolean supported(String version) {
    for (int v = Wire.OLDEST_VERSION; v <= Wire.VERSION; v++) {
      if (version.equals(Integer.toString(v))) {
        return true;
      }
    }
    return false;
  }

  /** Batches refused with a 4xx. */
  public long refused() {
    return refused.get();
  }

  /** What applies the batches, and counts them (batches, transactions, duplicates, repeats). */
  public Ingester ingester() {
    return ingester;
  }

  /** The most decompressed bytes of batches that were ever in flight at once. */
  public long peakInFlightBytes() {
    return inFlight.peak();
  }

  /** Batches answered 503: too many bytes in flight. */
  public long overloaded() {
    return inFlight.refused();
  }
}
