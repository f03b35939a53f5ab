package dev.intuition.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.json.JsonWriter;
import dev.intuition.decoder.json.TransactionJson;
import dev.intuition.wire.stats.CallStats;
import java.io.IOException;
import java.util.Base64;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one codec of the wire format (docs/wire-format.md): writes every record of this package with
 * the decoder's {@link JsonWriter} and reads them with Jackson's streaming parser, one token at a
 * time, so a batch is never held as text or as a tree. The agent, {@code replay} and the server all
 * go through here, and a contract test writes every type and reads it back.
 *
 * <p>Reading is lenient where senders differ harmlessly (unknown members are skipped, a number may
 * come as a string and a string as a number, names of protocols and outcomes in any case, instants as
 * ISO-8601 with any offset or as epoch seconds) and strict where a value cannot mean anything (an
 * object where a text belongs, a number that is not one): that is a {@link WireFormatException} that
 * says where. Whether a well-formed transaction can be counted is the server's business, not the
 * codec's.
 */
public final class WireCodec {
  private WireCodec() {}

  /** Checks, cuts or refuses each transaction as it is read (the server's policy). */
  @FunctionalInterface
  public interface TransactionFilter {
    /**
     * @param index the transaction's place in the batch, from 0
     * @param t the transaction as read (null for a JSON null)
     * @return what to keep
     * @throws WireFormatException to refuse the whole batch
     */
    Transaction accept(int index, Transaction t) throws WireFormatException;
  }

  /** JSON nested deeper than this is refused (a hostile body cannot recurse the parser away). */
  public static final int MAX_NESTING = 64;

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
      .build();

  /** The factory that reads the wire format, for callers that put their own streams under it. */
  public static JsonFactory factory() {
    return JSON;
  }

  // ---------------------------------------------------------------- writing

  /** Writes a batch as one JSON object into {@code out} (the caller compresses and closes). */
  public static void write(Batch batch, OutputStream out) {
    try (JsonWriter w = new JsonWriter(out, 1 << 16)) {
      write(batch, w);
    }
  }

  /** A batch as JSON bytes. */
  public static byte[] toBytes(Batch batch) {
    JsonWriter w = new JsonWriter();
    write(batch, w);
    return w.toByteArray();
  }

  public static void write(Batch b, JsonWriter w) {
    w.beginObject();
    w.field("version", b.version());
    if (b.agent() != null) {
      w.name("agent");
      write(b.agent(), w);
    }
    w.field("run", b.run());
    w.field("sequence", b.sequence());
    w.field("sentAt", b.sentAt());
    if (b.version() == 1 || !b.transactions().isEmpty()) {
      w.name("transactions").beginArray();
      for (Transaction t : b.transactions()) {
        TransactionJson.write(t, w);
      }
      w.endArray();
    }
    if (b.version() >= 2) {
      w.name("summaries").beginArray();
      for (Summary x : b.summaries()) {
        write(x, w);
      }
      w.endArray();
      if (!b.endpoints().isEmpty()) {
        w.name("endpoints").beginArray();
        for (Summary x : b.endpoints()) {
          write(x, w);
        }
        w.endArray();
      }
      w.name("samples").beginArray();
      for (Sample x : b.samples()) {
        w.beginObject().name("weight").value(x.weight()).name("transaction");
        TransactionJson.write(x.transaction(), w);
        w.endObject();
      }
      w.endArray();
    }
    if (b.inventory() != null) {
      w.name("inventory");
      write(b.inventory(), w);
    }
    if (b.health() != null) {
      w.name("health");
      write(b.health(), w);
    }
    w.endObject();
  }

  public static void write(Summary x, JsonWriter w) {
    CallStats st = x.stats();
    w.beginObject().field("interval", x.interval()).field("seconds", x.seconds())
        .field("protocol", x.protocol() == null ? null : x.protocol().wireName())
        .field("observedAt", x.observedAt());
    side("client", x.client(), w);
    side("server", x.server(), w);
    w.field("host", x.host()).field("endpoint", x.endpoint())
        .field("ok", st.ok()).field("warning", st.warning()).field("error", st.error())
        .field("requestBytes", st.requestBytes()).field("responseBytes", st.responseBytes());
    if (st.timedCount() > 0) {
      w.field("latency", Base64.getEncoder().encodeToString(st.encodedLatency()));
    }
    if (x.gaps() != 0) {
      w.field("gaps", x.gaps());
    }
    if (x.unmatched() != 0) {
      w.field("unmatched", x.unmatched());
    }
    w.endObject();
  }

  private static void side(String name, Summary.Side s, JsonWriter w) {
    if (s == null) {
      return;
    }
    w.name(name).beginObject().field("ip", s.ip()).field("container", s.container())
        .field("service", s.service()).endObject();
  }

  public static void write(AgentIdentity a, JsonWriter w) {
    w.beginObject().field("id", a.id()).field("host", a.host()).field("version", a.version())
        .endObject();
  }

  public static void write(Inventory inventory, JsonWriter w) {
    w.beginObject().name("containers").beginArray();
    for (Container c : inventory.containers()) {
      w.beginObject().field("id", c.id()).field("name", c.name()).field("image", c.image())
          .field("service", c.service()).field("task", c.task()).field("group", c.group());
      w.name("addresses");
      strings(c.addresses(), w);
      w.field("networkMode", c.networkMode());
      w.name("labels");
      strings(c.labels(), w);
      if (c.exited()) {
        w.name("exited").value(true);
      }
      w.endObject();
    }
    w.endArray().name("services").beginArray();
    for (SwarmService s : inventory.services()) {
      w.beginObject().field("id", s.id()).field("name", s.name()).field("group", s.group());
      w.name("virtualIps").beginArray();
      s.virtualIps().forEach(w::value);
      w.endArray().field("endpointMode", s.endpointMode()).endObject();
    }
    w.endArray().endObject();
  }

  public static void write(Health h, JsonWriter w) {
    w.beginObject().name("captures").beginArray();
    for (CaptureHealth c : h.captures()) {
      w.beginObject().field("name", c.name()).field("packets", c.packets())
          .field("dropped", c.dropped()).field("droppedByInterface", c.droppedByInterface());
      w.name("decoder").beginObject();
      c.decoder().forEach((k, v) -> w.field(k, v));
      w.endObject().field("error", c.error()).endObject();
    }
    w.endArray();
    ShippingHealth s = h.shipping();
    if (s != null) {
      w.name("shipping").beginObject().field("queued", s.queued()).field("sent", s.sent())
          .field("dropped", s.dropped()).field("batches", s.batches())
          .field("failedAttempts", s.failedAttempts()).field("lastError", s.lastError())
          .field("refusedBatches", s.refusedBatches()).field("serverExpired", s.serverExpired())
          .field("serverFuture", s.serverFuture());
      if (s.monitoredElsewhere() != 0) {
        w.field("monitoredElsewhere", s.monitoredElsewhere());
      }
      if (!s.samplesLeftOut().isEmpty()) {
        w.name("samplesLeftOut").beginObject();
        s.samplesLeftOut().forEach((k, v) -> w.field(k, v));
        w.endObject();
      }
      w.endObject();
    }
    w.field("discoveryError", h.discoveryError());
    w.endObject();
  }

  public static void write(IngestAnswer a, JsonWriter w) {
    w.beginObject().field("accepted", a.accepted()).field("counted", a.counted())
        .field("duplicates", a.duplicates()).field("sequence", a.sequence())
        .name("repeated").value(a.repeated()).field("future", a.future())
        .field("expired", a.expired()).field("late", a.late()).field("truncated", a.truncated())
        .name("clockOffsetSeconds").value(a.clockOffsetSeconds());
    if (a.samplesPerSecond() > 0) {
      w.name("samplesPerSecond").value(a.samplesPerSecond());
    }
    if (!a.names().isEmpty()) {
      w.name("names").beginArray();
      for (AddressName n : a.names()) {
        w.beginObject().field("ip", n.ip()).field("service", n.service())
            .field("container", n.container()).name("monitored").value(n.monitored())
            .endObject();
      }
      w.endArray();
    }
    w.endObject();
  }

  /** The server's answer as JSON bytes. */
  public static byte[] toBytes(IngestAnswer a) {
    JsonWriter w = new JsonWriter();
    write(a, w);
    return w.toByteArray();
  }

  private static void strings(Map<String, String> m, JsonWriter w) {
    w.beginObject();
    m.forEach((k, v) -> w.name(k).value(v));
    w.endObject();
  }

  // ---------------------------------------------------------------- reading

  /** Reads one batch, keeping every transaction as read. */
  public static Batch readBatch(InputStream in) throws IOException {
    return readBatch(in, (i, t) -> t);
  }

  /**
   * Reads one batch from {@code in} to its end (nothing but white space may follow the object).
   *
   * @throws UnsupportedVersionException for a version other than {@link Wire#VERSION}
   * @throws WireFormatException for anything else that is not a batch
   * @throws IOException from the stream, or malformed JSON (Jackson's own exceptions)
   */
  public static Batch readBatch(InputStream in, TransactionFilter filter) throws IOException {
    try (JsonParser p = JSON.createParser(in)) {
      return readBatch(p, filter);
    }
  }

  public static Batch readBatch(JsonParser p, TransactionFilter filter) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new WireFormatException("empty body: a batch is a JSON object");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new WireFormatException("a batch is a JSON object, got " + first);
    }
    Integer version = null;
    AgentIdentity agent = null;
    String run = null;
    long sequence = 0;
    Instant sentAt = null;
    List<Transaction> transactions = null;
    List<Summary> summaries = null;
    List<Summary> endpoints = null;
    List<Sample> samples = null;
    int filtered = 0; // transactions handed to the filter, samples' included
    Inventory inventory = null;
    Health health = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "version" -> {
          if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new WireFormatException("'version' must be a number");
          }
          version = p.getIntValue();
          if (version < Wire.OLDEST_VERSION || version > Wire.VERSION) {
            throw new UnsupportedVersionException(Integer.toString(version));
          }
        }
        case "agent" -> {
          if (value == JsonToken.START_OBJECT) {
            Report a = Report.of(p, null);
            agent = new AgentIdentity(a.text("id"), a.text("host"), a.text("version"));
            run = run != null ? run : a.text("run"); // where early agents put it
          } else {
            p.skipChildren();
          }
        }
        case "run" -> run = value == JsonToken.VALUE_STRING ? p.getText() : run;
        case "sequence" -> {
          if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NULL) {
            throw new WireFormatException("'sequence' must be a number");
          }
          sequence = value == JsonToken.VALUE_NULL ? 0 : p.getLongValue();
        }
        case "sentAt" -> sentAt = value == JsonToken.VALUE_STRING ? parseInstant(p.getText())
            : null;
        case "transactions" -> {
          if (value != JsonToken.START_ARRAY) {
            throw new WireFormatException("'transactions' must be an array");
          }
          transactions = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            int i = transactions.size();
            int f = filtered++;
            Transaction t;
            try {
              t = p.currentToken() == JsonToken.VALUE_NULL ? null : readTransaction(p);
            } catch (WireFormatException e) {
              throw new WireFormatException("malformed batch: transaction " + i + ": "
                  + e.getMessage());
            }
            transactions.add(filter.accept(f, t));
          }
        }
        case "summaries" -> summaries = readSummaries(p, field, "summary");
        case "endpoints" -> {
          endpoints = readSummaries(p, field, "endpoint summary");
          for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i).endpoint() == null) {
              throw new WireFormatException("malformed batch: endpoint summary " + i
                  + ": it needs its 'endpoint'");
            }
          }
        }
        case "samples" -> {
          if (value != JsonToken.START_ARRAY) {
            throw new WireFormatException("'samples' must be an array");
          }
          samples = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            int i = samples.size();
            try {
              Sample sample = readSample(p, filtered++, filter);
              if (sample != null) {
                samples.add(sample);
              }
            } catch (WireFormatException e) {
              throw new WireFormatException("malformed batch: sample " + i + ": "
                  + e.getMessage());
            }
          }
        }
        case "inventory" -> inventory = value == JsonToken.START_OBJECT ? readInventory(p)
            : skip(p);
        case "health" -> health = value == JsonToken.START_OBJECT ? readHealth(p) : skip(p);
        default -> p.skipChildren();
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new WireFormatException("malformed batch: expected a member name");
    }
    JsonToken after = p.nextToken(); // reads to the end: a compressed body's trailer is checked
    if (after != null) {
      throw new WireFormatException("unexpected " + after + " after the batch object");
    }
    if (version == null) {
      throw new WireFormatException("the batch has no 'version'");
    }
    if (transactions == null && version == 1) {
      throw new WireFormatException("the batch has no 'transactions' array");
    }
    if (version == 1 && (summaries != null || endpoints != null || samples != null)) {
      throw new WireFormatException("a batch of version 1 carries no summaries or samples");
    }
    return new Batch(version, agent, run, sequence, sentAt, transactions, inventory, health,
        summaries, endpoints, samples);
  }

  /** Reads an array of summaries, {@code what} naming one in errors. */
  private static List<Summary> readSummaries(JsonParser p, String field, String what)
      throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new WireFormatException("'" + field + "' must be an array");
    }
    List<Summary> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      try {
        out.add(readSummary(p));
      } catch (WireFormatException e) {
        throw new WireFormatException("malformed batch: " + what + " " + out.size() + ": "
            + e.getMessage());
      }
    }
    return out;
  }

  /** Reads the summary whose START_OBJECT is the current token. */
  public static Summary readSummary(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new WireFormatException("a summary is a JSON object, got " + p.currentToken());
    }
    Long interval = null;
    long seconds = 1;
    Protocol protocol = null;
    String observedAt = null;
    Summary.Side client = null;
    Summary.Side server = null;
    String host = null;
    String endpoint = null;
    long[] counts = new long[5];
    byte[] latency = null;
    long gaps = 0;
    long unmatched = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "interval" -> interval = number(p, field);
        case "seconds" -> seconds = orZero(number(p, field));
        case "protocol" -> protocol = protocol(text(p, field));
        case "observedAt" -> observedAt = text(p, field);
        case "client" -> client = readSide(p, field);
        case "server" -> server = readSide(p, field);
        case "host" -> host = text(p, field);
        case "endpoint" -> endpoint = text(p, field);
        case "ok" -> counts[0] = count(p, field);
        case "warning" -> counts[1] = count(p, field);
        case "error" -> counts[2] = count(p, field);
        case "requestBytes" -> counts[3] = count(p, field);
        case "responseBytes" -> counts[4] = count(p, field);
        case "gaps" -> gaps = count(p, field);
        case "unmatched" -> unmatched = count(p, field);
        case "latency" -> {
          String b64 = text(p, field);
          try {
            latency = b64 == null ? null : Base64.getDecoder().decode(b64);
          } catch (IllegalArgumentException e) {
            throw new WireFormatException("'latency' is not base64: " + e.getMessage());
          }
        }
        default -> p.skipChildren();
      }
    }
    if (interval == null) {
      throw new WireFormatException("a summary needs its 'interval'");
    }
    if (protocol == null) {
      throw new WireFormatException("a summary needs its 'protocol'");
    }
    if (seconds < 1 || seconds > 3600) {
      throw new WireFormatException("'seconds' must be from 1 to 3600, got " + seconds);
    }
    if (server == null || server.ip() == null) {
      throw new WireFormatException("a summary needs its 'server' with an 'ip'");
    }
    CallStats stats;
    try {
      stats = CallStats.of(counts[0], counts[1], counts[2], counts[3], counts[4], latency);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException("'latency' is not an encoded histogram: " + e.getMessage());
    }
    if (stats.timedCount() > stats.count()) {
      throw new WireFormatException("'latency' holds " + stats.timedCount()
          + " calls, more than the summary's " + stats.count());
    }
    return new Summary(interval, (int) seconds, protocol, observedAt, client, server, host,
        endpoint, stats, gaps, unmatched);
  }

  private static Summary.Side readSide(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new WireFormatException("'" + field + "' must be an object, got " + describe(t));
    }
    String[] v = new String[3];
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "ip" -> v[0] = text(p, field + ".ip");
        case "container" -> v[1] = text(p, field + ".container");
        case "service" -> v[2] = text(p, field + ".service");
        default -> p.skipChildren();
      }
    }
    return new Summary.Side(v[0], v[1], v[2]);
  }

  private static Sample readSample(JsonParser p, int index, TransactionFilter filter)
      throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new WireFormatException("a sample is a JSON object, got " + p.currentToken());
    }
    double weight = 1;
    Transaction t = null;
    boolean seen = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "weight" -> {
          if (!v.isNumeric()) {
            throw new WireFormatException("'weight' must be a number, got " + describe(v));
          }
          weight = p.getDoubleValue();
          if (!(weight >= 1) || Double.isInfinite(weight)) {
            throw new WireFormatException("'weight' must be at least 1, got " + p.getText());
          }
        }
        case "transaction" -> {
          if (v != JsonToken.START_OBJECT) {
            throw new WireFormatException("'transaction' must be an object, got "
                + describe(v));
          }
          t = filter.accept(index, readTransaction(p));
          seen = true;
        }
        default -> p.skipChildren();
      }
    }
    if (!seen) {
      throw new WireFormatException("a sample needs its 'transaction'");
    }
    return t == null ? null : new Sample(t, weight);
  }

  /** A count: a whole number, not negative. */
  private static long count(JsonParser p, String field) throws IOException {
    long v = orZero(number(p, field));
    if (v < 0) {
      throw new WireFormatException("'" + field + "' must not be negative, got " + v);
    }
    return v;
  }

  /** The text members of a transaction, in the order of the record's components. */
  private static final String[] TEXTS = {"method", "resource", "query", "status", "host",
      "forwardedFor", "params", "clientContainer", "serverContainer", "clientService",
      "serverService", "observedAt"};
  private static final Map<String, Integer> TEXT_INDEX = new java.util.HashMap<>();

  static {
    for (int i = 0; i < TEXTS.length; i++) {
      TEXT_INDEX.put(TEXTS[i], i);
    }
  }

  /** Reads the transaction whose START_OBJECT is the current token. */
  public static Transaction readTransaction(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new WireFormatException("a transaction is a JSON object, got " + p.currentToken());
    }
    Protocol protocol = null;
    Outcome outcome = null;
    Endpoint client = null;
    Endpoint server = null;
    Instant start = null;
    Instant end = null;
    Long duration = null;
    Long rows = null;
    long requestBytes = 0;
    long responseBytes = 0;
    List<String> notes = List.of();
    String[] t = new String[TEXTS.length];
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "protocol" -> protocol = protocol(text(p, field));
        case "outcome" -> outcome = outcome(text(p, field));
        case "client" -> client = endpoint(p, field);
        case "server" -> server = endpoint(p, field);
        case "start" -> start = instant(p, field);
        case "end" -> end = instant(p, field);
        case "durationMicros" -> duration = number(p, field);
        case "rows" -> rows = number(p, field);
        case "requestBytes" -> requestBytes = orZero(number(p, field));
        case "responseBytes" -> responseBytes = orZero(number(p, field));
        case "notes" -> notes = texts(p, field);
        default -> {
          Integer k = TEXT_INDEX.get(field);
          if (k != null) {
            t[k] = text(p, field);
          } else {
            p.skipChildren();
          }
        }
      }
    }
    return new Transaction(protocol, client, server, start, end, duration, t[0], t[1], t[2],
        t[3], outcome, requestBytes, responseBytes, rows, t[4], t[5], t[6], notes, t[7], t[8],
        t[9], t[10], t[11]);
  }

  private static Protocol protocol(String name) throws WireFormatException {
    try {
      return name == null ? null : Protocol.fromWireName(name);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException("'protocol' " + e.getMessage());
    }
  }

  private static Outcome outcome(String name) throws WireFormatException {
    try {
      return name == null ? null : Outcome.fromWireName(name);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException("unknown outcome '" + name
          + "' (expected ok, warning or error)");
    }
  }

  /**
   * A report's object (inventory, health, the server's answer), read leniently: its scalar members by
   * name, a value of the wrong kind as absent; arrays and objects go to {@code nested} (or are
   * skipped).
   */
  private static final class Report {
    final Map<String, Object> scalars = new java.util.HashMap<>();

    @FunctionalInterface
    interface Nested {
      /** Reads the value of {@code name} (at its first token); false leaves it to be skipped. */
      boolean read(String name, JsonParser p) throws IOException;
    }

    static Report of(JsonParser p, Nested nested) throws IOException {
      Report r = new Report();
      r.read(p, nested);
      return r;
    }

    /** Reads the object at the current token into this; what was read stands if it breaks off. */
    void read(JsonParser p, Nested nested) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        return;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (t.isStructStart()) {
          if (nested == null || !nested.read(name, p)) {
            p.skipChildren();
          }
        } else if (t.isNumeric()) {
          scalars.put(name, t == JsonToken.VALUE_NUMBER_INT ? (Object) p.getValueAsLong()
              : (Object) p.getDoubleValue());
        } else if (t.isBoolean()) {
          scalars.put(name, t == JsonToken.VALUE_TRUE);
        } else if (t != JsonToken.VALUE_NULL) {
          scalars.put(name, p.getText());
        }
      }
    }

    String text(String name) {
      Object v = scalars.get(name);
      return v == null ? null : v.toString();
    }

    long number(String name) {
      return scalars.get(name) instanceof Number n ? n.longValue() : 0;
    }

    double decimal(String name) {
      return scalars.get(name) instanceof Number n ? n.doubleValue() : 0;
    }

    boolean flag(String name) {
      return Boolean.TRUE.equals(scalars.get(name));
    }
  }

  /** Each object of the array at the current token, in order; other elements are skipped. */
  private static <T> List<T> objects(JsonParser p, Reader<T> reader) throws IOException {
    List<T> out = new ArrayList<>();
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return out;
    }
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() == JsonToken.START_OBJECT) {
        out.add(reader.read(p));
      } else {
        p.skipChildren();
      }
    }
    return out;
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read(JsonParser p) throws IOException;
  }

  /** Reads the inventory whose START_OBJECT is the current token. */
  public static Inventory readInventory(JsonParser p) throws IOException {
    List<List<?>> lists = new ArrayList<>(List.of(List.of(), List.of()));
    Report.of(p, (name, q) -> switch (name) {
      case "containers" -> lists.set(0, objects(q, WireCodec::readContainer)) != null;
      case "services" -> lists.set(1, objects(q, WireCodec::readService)) != null;
      default -> false;
    });
    @SuppressWarnings("unchecked")
    List<Container> containers = (List<Container>) lists.get(0);
    @SuppressWarnings("unchecked")
    List<SwarmService> services = (List<SwarmService>) lists.get(1);
    return new Inventory(containers, services);
  }

  private static Container readContainer(JsonParser p) throws IOException {
    List<Map<String, String>> maps = new ArrayList<>(List.of(Map.of(), Map.of()));
    Report r = Report.of(p, (name, q) -> switch (name) {
      case "addresses" -> maps.set(0, stringMap(q)) != null;
      case "labels" -> maps.set(1, stringMap(q)) != null;
      default -> false;
    });
    return new Container(r.text("id"), r.text("name"), r.text("image"), r.text("service"),
        r.text("task"), r.text("group"), maps.get(0), r.text("networkMode"), maps.get(1),
        r.flag("exited"));
  }

  private static SwarmService readService(JsonParser p) throws IOException {
    List<List<String>> vips = new ArrayList<>(List.of(List.of()));
    Report r = Report.of(p, (name, q) -> name.equals("virtualIps")
        && vips.set(0, lenientTexts(q)) != null);
    return new SwarmService(r.text("id"), r.text("name"), r.text("group"), vips.get(0),
        r.text("endpointMode"));
  }

  /** Reads the health whose START_OBJECT is the current token. */
  public static Health readHealth(JsonParser p) throws IOException {
    List<CaptureHealth> captures = new ArrayList<>();
    ShippingHealth[] shipping = new ShippingHealth[1];
    Report r = Report.of(p, (name, q) -> switch (name) {
      case "captures" -> captures.addAll(objects(q, WireCodec::readCapture)) || true;
      case "shipping" -> q.currentToken() == JsonToken.START_OBJECT
          && (shipping[0] = readShipping(q)) != null;
      default -> false;
    });
    return new Health(captures, shipping[0], r.text("discoveryError"));
  }

  private static CaptureHealth readCapture(JsonParser p) throws IOException {
    Map<String, Long> decoder = new LinkedHashMap<>();
    Report r = Report.of(p, (name, q) -> {
      if (!name.equals("decoder")) {
        return false;
      }
      Report.of(q, null).scalars.forEach((counter, v) -> {
        if (v instanceof Number n) {
          decoder.put(counter, n.longValue());
        }
      });
      return true;
    });
    return new CaptureHealth(r.text("name"), r.number("packets"), r.number("dropped"),
        r.number("droppedByInterface"), decoder, r.text("error"));
  }

  private static ShippingHealth readShipping(JsonParser p) throws IOException {
    Map<String, Long> leftOut = new LinkedHashMap<>();
    Report r = Report.of(p, (name, q) -> {
      if (!name.equals("samplesLeftOut")) {
        return false;
      }
      Report.of(q, null).scalars.forEach((container, v) -> {
        if (v instanceof Number n && leftOut.size() < ShippingHealth.MAX_LEFT_OUT) {
          leftOut.put(container, n.longValue());
        }
      });
      return true;
    });
    return new ShippingHealth(r.number("queued"), r.number("sent"), r.number("dropped"),
        r.number("batches"), r.number("failedAttempts"), r.text("lastError"),
        r.number("refusedBatches"), r.number("serverExpired"), r.number("serverFuture"),
        r.number("monitoredElsewhere"), leftOut);
  }

  /**
   * Reads the server's answer to a batch; members it does not carry read as 0 (an answer that is
   * not JSON at all reads as all zeros: it was taken, and that is what counts).
   */
  public static IngestAnswer readAnswer(String body) {
    Report r = new Report();
    List<AddressName> names = new ArrayList<>();
    if (body != null && !body.isBlank()) {
      try (JsonParser p = JSON.createParser(body.getBytes(StandardCharsets.UTF_8))) {
        if (p.nextToken() == JsonToken.START_OBJECT) {
          r.read(p, (name, q) -> {
            if (!name.equals("names")) {
              return false;
            }
            for (AddressName n : objects(q, WireCodec::readName)) {
              if (n.ip() != null && n.service() != null && names.size() < IngestAnswer.MAX_NAMES) {
                names.add(n);
              }
            }
            return true;
          });
        }
      } catch (IOException e) {
        // what was read before the body broke off stands
      }
    }
    return new IngestAnswer(r.number("accepted"), r.number("counted"), r.number("duplicates"),
        r.number("sequence"), r.flag("repeated"), r.number("future"), r.number("expired"),
        r.number("late"), r.number("truncated"), r.decimal("clockOffsetSeconds"), names,
        r.decimal("samplesPerSecond"));
  }

  private static AddressName readName(JsonParser p) throws IOException {
    Report r = Report.of(p, null);
    return new AddressName(r.text("ip"), r.text("service"), r.text("container"),
        r.flag("monitored"));
  }

  // ---------------------------------------------------------------- values

  /** An instant as the wire carries it: ISO-8601 (any offset), or null when it is not one. */
  public static Instant parseInstant(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(t).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static <T> T skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  /** A text member: a string, or a number or boolean as its text; null for null. */
  private static String text(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t.isScalarValue()) {
      return p.getText();
    }
    throw new WireFormatException("'" + field + "' must be a text, got " + describe(t));
  }

  private static List<String> texts(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (t != JsonToken.START_ARRAY) {
      throw new WireFormatException("'" + field + "' must be an array of texts");
    }
    List<String> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String s = text(p, field);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  /** A whole number: an integer, a decimal (its integer part) or a string holding one. */
  private static Long number(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case VALUE_NULL -> {
        return null;
      }
      case VALUE_NUMBER_INT -> {
        return p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        double d = p.getDoubleValue();
        if (!(Math.abs(d) < 9.2e18)) {
          throw new WireFormatException("'" + field + "' is out of range: " + p.getText());
        }
        return (long) d;
      }
      case VALUE_STRING -> {
        try {
          return Long.parseLong(p.getText().trim());
        } catch (NumberFormatException e) {
          throw new WireFormatException("'" + field + "' must be a number, got \""
              + cut(p.getText()) + "\"");
        }
      }
      default -> throw new WireFormatException("'" + field + "' must be a number, got "
          + describe(t));
    }
  }

  /** An instant: ISO-8601 text (any offset) or seconds since the epoch. */
  private static Instant instant(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case VALUE_NULL -> {
        return null;
      }
      case VALUE_STRING -> {
        Instant i = parseInstant(p.getText());
        if (i == null) {
          throw new WireFormatException("'" + field + "' is not an ISO-8601 instant: \""
              + cut(p.getText()) + "\"");
        }
        return i;
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        try {
          BigDecimal seconds = p.getDecimalValue();
          BigDecimal whole = new BigDecimal(seconds.toBigInteger());
          return Instant.ofEpochSecond(whole.longValueExact(),
              seconds.subtract(whole).movePointRight(9).intValue());
        } catch (ArithmeticException | java.time.DateTimeException e) {
          throw new WireFormatException("'" + field + "' is out of range: " + cut(p.getText()));
        }
      }
      default -> throw new WireFormatException("'" + field + "' must be an instant, got "
          + describe(t));
    }
  }

  private static Endpoint endpoint(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new WireFormatException("'" + field + "' must be an object {ip, port}, got "
          + describe(t));
    }
    String ip = null;
    long port = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "ip" -> ip = text(p, field + ".ip");
        case "port" -> {
          Long v = number(p, field + ".port");
          port = v == null ? 0 : v;
          if (port < Integer.MIN_VALUE || port > Integer.MAX_VALUE) {
            throw new WireFormatException("'" + field + ".port' is out of range: " + port);
          }
        }
        default -> p.skipChildren();
      }
    }
    return new Endpoint(ip, (int) port);
  }

  /** The texts of the array at the current token (other elements skipped). */
  private static List<String> lenientTexts(JsonParser p) throws IOException {
    List<String> out = new ArrayList<>();
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return out;
    }
    while (p.nextToken() != JsonToken.END_ARRAY) {
      JsonToken t = p.currentToken();
      if (t.isScalarValue() && t != JsonToken.VALUE_NULL) {
        out.add(p.getText());
      } else {
        p.skipChildren();
      }
    }
    return out;
  }

  /** The scalar members of the object at the current token, as texts. */
  private static Map<String, String> stringMap(JsonParser p) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    Report.of(p, null).scalars.forEach((k, v) -> out.put(k, v.toString()));
    return out;
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_STRING -> "a text";
      default -> t.toString();
    };
  }

  private static String cut(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
