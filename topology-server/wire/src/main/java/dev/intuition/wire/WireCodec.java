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
import java.io.IOException;
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
    w.name("transactions").beginArray();
    for (Transaction t : b.transactions()) {
      TransactionJson.write(t, w);
    }
    w.endArray();
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
          .field("serverFuture", s.serverFuture()).endObject();
    }
    w.field("discoveryError", h.discoveryError());
    w.endObject();
  }

  public static void write(IngestAnswer a, JsonWriter w) {
    w.beginObject().field("accepted", a.accepted()).field("counted", a.counted())
        .field("duplicates", a.duplicates()).field("sequence", a.sequence())
        .name("repeated").value(a.repeated()).field("future", a.future())
        .field("expired", a.expired()).field("late", a.late()).field("truncated", a.truncated())
        .name("clockOffsetSeconds").value(a.clockOffsetSeconds()).endObject();
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
          if (version != Wire.VERSION) {
            throw new UnsupportedVersionException(Integer.toString(version));
          }
        }
        case "agent" -> {
          if (value == JsonToken.START_OBJECT) {
            String[] a = new String[4];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              p.nextToken();
              switch (name) {
                case "id" -> a[0] = lenientText(p);
                case "host" -> a[1] = lenientText(p);
                case "version" -> a[2] = lenientText(p);
                case "run" -> a[3] = lenientText(p); // where early agents put it
                default -> p.skipChildren();
              }
            }
            agent = new AgentIdentity(a[0], a[1], a[2]);
            run = run != null ? run : a[3];
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
            Transaction t;
            try {
              t = p.currentToken() == JsonToken.VALUE_NULL ? null : readTransaction(p);
            } catch (WireFormatException e) {
              throw new WireFormatException("malformed batch: transaction " + i + ": "
                  + e.getMessage());
            }
            transactions.add(filter.accept(i, t));
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
    if (transactions == null) {
      throw new WireFormatException("the batch has no 'transactions' array");
    }
    return new Batch(version, agent, run, sequence, sentAt, transactions, inventory, health);
  }

  /** Reads the transaction whose START_OBJECT is the current token. */
  public static Transaction readTransaction(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new WireFormatException("a transaction is a JSON object, got " + p.currentToken());
    }
    Protocol protocol = null;
    Endpoint client = null;
    Endpoint server = null;
    Instant start = null;
    Instant end = null;
    Long duration = null;
    Long rows = null;
    long requestBytes = 0;
    long responseBytes = 0;
    Outcome outcome = null;
    String method = null;
    String resource = null;
    String query = null;
    String status = null;
    String host = null;
    String forwardedFor = null;
    String params = null;
    List<String> notes = List.of();
    String clientContainer = null;
    String serverContainer = null;
    String clientService = null;
    String serverService = null;
    String observedAt = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "protocol" -> {
          String v = text(p, field);
          try {
            protocol = v == null ? null : Protocol.fromWireName(v);
          } catch (IllegalArgumentException e) {
            throw new WireFormatException("'protocol' " + e.getMessage());
          }
        }
        case "outcome" -> {
          String v = text(p, field);
          try {
            outcome = v == null ? null : Outcome.fromWireName(v);
          } catch (IllegalArgumentException e) {
            throw new WireFormatException("unknown outcome '" + v
                + "' (expected ok, warning or error)");
          }
        }
        case "client" -> client = endpoint(p, field);
        case "server" -> server = endpoint(p, field);
        case "start" -> start = instant(p, field);
        case "end" -> end = instant(p, field);
        case "durationMicros" -> duration = number(p, field);
        case "rows" -> rows = number(p, field);
        case "requestBytes" -> requestBytes = orZero(number(p, field));
        case "responseBytes" -> responseBytes = orZero(number(p, field));
        case "method" -> method = text(p, field);
        case "resource" -> resource = text(p, field);
        case "query" -> query = text(p, field);
        case "status" -> status = text(p, field);
        case "host" -> host = text(p, field);
        case "forwardedFor" -> forwardedFor = text(p, field);
        case "params" -> params = text(p, field);
        case "notes" -> notes = texts(p, field);
        case "clientContainer" -> clientContainer = text(p, field);
        case "serverContainer" -> serverContainer = text(p, field);
        case "clientService" -> clientService = text(p, field);
        case "serverService" -> serverService = text(p, field);
        case "observedAt" -> observedAt = text(p, field);
        default -> p.skipChildren();
      }
    }
    return new Transaction(protocol, client, server, start, end, duration, method, resource, query,
        status, outcome, requestBytes, responseBytes, rows, host, forwardedFor, params, notes,
        clientContainer, serverContainer, clientService, serverService, observedAt);
  }

  /** Reads the inventory whose START_OBJECT is the current token. */
  public static Inventory readInventory(JsonParser p) throws IOException {
    List<Container> containers = new ArrayList<>();
    List<SwarmService> services = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("containers") && value == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken() == JsonToken.START_OBJECT) {
            containers.add(readContainer(p));
          } else {
            p.skipChildren();
          }
        }
      } else if (field.equals("services") && value == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken() == JsonToken.START_OBJECT) {
            services.add(readService(p));
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    return new Inventory(containers, services);
  }

  private static Container readContainer(JsonParser p) throws IOException {
    String[] s = new String[7];
    Map<String, String> addresses = Map.of();
    Map<String, String> labels = Map.of();
    boolean exited = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "id" -> s[0] = lenientText(p);
        case "name" -> s[1] = lenientText(p);
        case "image" -> s[2] = lenientText(p);
        case "service" -> s[3] = lenientText(p);
        case "task" -> s[4] = lenientText(p);
        case "group" -> s[5] = lenientText(p);
        case "networkMode" -> s[6] = lenientText(p);
        case "addresses" -> addresses = stringMap(p);
        case "labels" -> labels = stringMap(p);
        case "exited" -> exited = p.currentToken() == JsonToken.VALUE_TRUE;
        default -> p.skipChildren();
      }
    }
    return new Container(s[0], s[1], s[2], s[3], s[4], s[5], addresses, s[6], labels, exited);
  }

  private static SwarmService readService(JsonParser p) throws IOException {
    String[] s = new String[4];
    List<String> vips = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "id" -> s[0] = lenientText(p);
        case "name" -> s[1] = lenientText(p);
        case "group" -> s[2] = lenientText(p);
        case "endpointMode" -> s[3] = lenientText(p);
        case "virtualIps" -> vips = lenientTexts(p);
        default -> p.skipChildren();
      }
    }
    return new SwarmService(s[0], s[1], s[2], vips, s[3]);
  }

  /** Reads the health whose START_OBJECT is the current token. */
  public static Health readHealth(JsonParser p) throws IOException {
    List<CaptureHealth> captures = new ArrayList<>();
    ShippingHealth shipping = null;
    String discoveryError = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "captures" -> {
          if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            continue;
          }
          while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == JsonToken.START_OBJECT) {
              captures.add(readCapture(p));
            } else {
              p.skipChildren();
            }
          }
        }
        case "shipping" -> shipping = value == JsonToken.START_OBJECT ? readShipping(p) : skip(p);
        case "discoveryError" -> discoveryError = lenientText(p);
        default -> p.skipChildren();
      }
    }
    return new Health(captures, shipping, discoveryError);
  }

  private static CaptureHealth readCapture(JsonParser p) throws IOException {
    String name = null;
    String error = null;
    long[] n = new long[3];
    Map<String, Long> decoder = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "name" -> name = lenientText(p);
        case "error" -> error = lenientText(p);
        case "packets" -> n[0] = lenientLong(p);
        case "dropped" -> n[1] = lenientLong(p);
        case "droppedByInterface" -> n[2] = lenientLong(p);
        case "decoder" -> {
          if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            continue;
          }
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String counter = p.currentName();
            p.nextToken();
            decoder.put(counter, lenientLong(p));
          }
        }
        default -> p.skipChildren();
      }
    }
    return new CaptureHealth(name, n[0], n[1], n[2], decoder, error);
  }

  private static ShippingHealth readShipping(JsonParser p) throws IOException {
    long[] n = new long[8];
    String lastError = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "queued" -> n[0] = lenientLong(p);
        case "sent" -> n[1] = lenientLong(p);
        case "dropped" -> n[2] = lenientLong(p);
        case "batches" -> n[3] = lenientLong(p);
        case "failedAttempts" -> n[4] = lenientLong(p);
        case "refusedBatches" -> n[5] = lenientLong(p);
        case "serverExpired" -> n[6] = lenientLong(p);
        case "serverFuture" -> n[7] = lenientLong(p);
        case "lastError" -> lastError = lenientText(p);
        default -> p.skipChildren();
      }
    }
    return new ShippingHealth(n[0], n[1], n[2], n[3], n[4], lastError, n[5], n[6], n[7]);
  }

  /**
   * Reads the server's answer to a batch; members it does not carry read as 0 (an answer that is
   * not JSON at all reads as all zeros: it was taken, and that is what counts).
   */
  public static IngestAnswer readAnswer(String body) {
    long[] n = new long[8];
    boolean repeated = false;
    double offset = 0;
    if (body == null || body.isBlank()) {
      return new IngestAnswer(0, 0, 0, 0, false, 0, 0, 0, 0, 0);
    }
    try (JsonParser p = JSON.createParser(body.getBytes(StandardCharsets.UTF_8))) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "accepted" -> n[0] = lenientLong(p);
            case "counted" -> n[1] = lenientLong(p);
            case "duplicates" -> n[2] = lenientLong(p);
            case "sequence" -> n[3] = lenientLong(p);
            case "future" -> n[4] = lenientLong(p);
            case "expired" -> n[5] = lenientLong(p);
            case "late" -> n[6] = lenientLong(p);
            case "truncated" -> n[7] = lenientLong(p);
            case "repeated" -> repeated = p.currentToken() == JsonToken.VALUE_TRUE;
            case "clockOffsetSeconds" -> offset = p.currentToken().isNumeric()
                ? p.getDoubleValue() : 0;
            default -> p.skipChildren();
          }
        }
      }
    } catch (IOException e) {
      // what was read so far stands
    }
    return new IngestAnswer(n[0], n[1], n[2], n[3], repeated, n[4], n[5], n[6], n[7], offset);
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

  /** Inventory and health are reports: a value of the wrong kind reads as null, not an error. */
  private static String lenientText(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t.isScalarValue() && t != JsonToken.VALUE_NULL) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  private static long lenientLong(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getValueAsLong();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      return (long) p.getDoubleValue();
    }
    p.skipChildren();
    return 0;
  }

  private static List<String> lenientTexts(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return List.of();
    }
    List<String> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String s = lenientText(p);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      String v = lenientText(p);
      if (v != null) {
        out.put(key, v);
      }
    }
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
