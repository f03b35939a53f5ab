package dev.intuition.decoder.json;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.json.JsonWriter.Name;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A {@link Transaction} as JSON with the field names of DESIGN.md: the object the decode CLI prints
 * one per line and the agent ships in its batches. Timestamps are ISO-8601 UTC with microseconds
 * ({@code 2016-01-05T16:05:52.123456Z}); absent fields are left out, as are empty notes. Written
 * through {@link JsonWriter}, pure JDK, so the decoder stays free of frameworks.
 */
public final class TransactionJson {
  private TransactionJson() {}

  /** One transaction as a JSON text (tests, logs). */
  public static String toJson(Transaction t) {
    JsonWriter w = new JsonWriter();
    write(t, w);
    return w.toString();
  }

  // The names, encoded once (JsonWriter.Name): writing them was half of the JSON writer's time.
  private static final Name PROTOCOL = Name.of("protocol");
  private static final Name CLIENT = Name.of("client");
  private static final Name SERVER = Name.of("server");
  private static final Name IP = Name.of("ip");
  private static final Name PORT = Name.of("port");
  private static final Name START = Name.of("start");
  private static final Name END = Name.of("end");
  private static final Name DURATION_MICROS = Name.of("durationMicros");
  private static final Name METHOD = Name.of("method");
  private static final Name RESOURCE = Name.of("resource");
  private static final Name QUERY = Name.of("query");
  private static final Name STATUS = Name.of("status");
  private static final Name OUTCOME = Name.of("outcome");
  private static final Name REQUEST_BYTES = Name.of("requestBytes");
  private static final Name RESPONSE_BYTES = Name.of("responseBytes");
  private static final Name ROWS = Name.of("rows");
  private static final Name HOST = Name.of("host");
  private static final Name FORWARDED_FOR = Name.of("forwardedFor");
  private static final Name PARAMS = Name.of("params");
  private static final Name NOTES = Name.of("notes");
  private static final Name CLIENT_CONTAINER = Name.of("clientContainer");
  private static final Name SERVER_CONTAINER = Name.of("serverContainer");
  private static final Name CLIENT_SERVICE = Name.of("clientService");
  private static final Name SERVER_SERVICE = Name.of("serverService");
  private static final Name OBSERVED_AT = Name.of("observedAt");

  /** One transaction as a JSON object, in the field order of DESIGN.md. */
  public static void write(Transaction t, JsonWriter w) {
    w.beginObject();
    w.field(PROTOCOL, t.protocol().wireName());
    endpoint(w, CLIENT, t.client());
    endpoint(w, SERVER, t.server());
    w.field(START, t.start());
    w.field(END, t.end());
    w.field(DURATION_MICROS, t.durationMicros());
    w.field(METHOD, t.method());
    w.field(RESOURCE, t.resource());
    w.field(QUERY, t.query());
    w.field(STATUS, t.status());
    w.field(OUTCOME, t.outcome().wireName());
    w.field(REQUEST_BYTES, t.requestBytes());
    w.field(RESPONSE_BYTES, t.responseBytes());
    w.field(ROWS, t.rows());
    w.field(HOST, t.host());
    w.field(FORWARDED_FOR, t.forwardedFor());
    w.field(PARAMS, t.params());
    if (!t.notes().isEmpty()) {
      w.name(NOTES).beginArray();
      for (String note : t.notes()) {
        w.value(note);
      }
      w.endArray();
    }
    w.field(CLIENT_CONTAINER, t.clientContainer());
    w.field(SERVER_CONTAINER, t.serverContainer());
    w.field(CLIENT_SERVICE, t.clientService());
    w.field(SERVER_SERVICE, t.serverService());
    w.field(OBSERVED_AT, t.observedAt());
    w.endObject();
  }

  /** ISO-8601 UTC with exactly six fractional digits. */
  public static String instant(Instant i) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(i.getEpochSecond(), 0, ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(27);
    pad(sb, t.getYear(), 4).append('-');
    pad(sb, t.getMonthValue(), 2).append('-');
    pad(sb, t.getDayOfMonth(), 2).append('T');
    pad(sb, t.getHour(), 2).append(':');
    pad(sb, t.getMinute(), 2).append(':');
    pad(sb, t.getSecond(), 2).append('.');
    pad(sb, i.getNano() / 1000, 6).append('Z');
    return sb.toString();
  }

  private static StringBuilder pad(StringBuilder sb, int v, int width) {
    String s = Integer.toString(v);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(s);
  }

  private static void endpoint(JsonWriter w, Name name, Endpoint e) {
    w.name(name).beginObject().field(IP, e.ip()).field(PORT, e.port()).endObject();
  }
}
