package dev.intuition.decoder.json;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Transaction;
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

  /** One transaction as a JSON object, in the field order of DESIGN.md. */
  public static void write(Transaction t, JsonWriter w) {
    w.beginObject();
    w.field("protocol", t.protocol().wireName());
    endpoint(w, "client", t.client());
    endpoint(w, "server", t.server());
    w.field("start", t.start());
    w.field("end", t.end());
    w.field("durationMicros", t.durationMicros());
    w.field("method", t.method());
    w.field("resource", t.resource());
    w.field("query", t.query());
    w.field("status", t.status());
    w.field("outcome", t.outcome().wireName());
    w.field("requestBytes", t.requestBytes());
    w.field("responseBytes", t.responseBytes());
    w.field("rows", t.rows());
    w.field("host", t.host());
    w.field("forwardedFor", t.forwardedFor());
    w.field("params", t.params());
    if (!t.notes().isEmpty()) {
      w.name("notes").beginArray();
      for (String note : t.notes()) {
        w.value(note);
      }
      w.endArray();
    }
    w.field("clientContainer", t.clientContainer());
    w.field("serverContainer", t.serverContainer());
    w.field("clientService", t.clientService());
    w.field("serverService", t.serverService());
    w.field("observedAt", t.observedAt());
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

  private static void endpoint(JsonWriter w, String name, Endpoint e) {
    w.name(name).beginObject().field("ip", e.ip()).field("port", e.port()).endObject();
  }
}
