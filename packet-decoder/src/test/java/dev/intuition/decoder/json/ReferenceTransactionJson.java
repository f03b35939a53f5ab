package dev.intuition.decoder.json;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Transaction;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The transaction JSON as it was written before {@link JsonWriter} (a StringBuilder, then
 * {@code String.getBytes(UTF_8)}), kept as the reference that the writer must match byte for byte.
 * Writes a {@link Transaction} as one line of JSON with the field names of DESIGN.md, timestamps as
 * ISO-8601 UTC with microseconds ({@code 2016-01-05T16:05:52.123456Z}), absent fields left out. Pure
 * JDK so the decoder stays free of frameworks; the server reads the same names with Jackson.
 */
final class ReferenceTransactionJson {
  private ReferenceTransactionJson() {}

  public static String toJson(Transaction t) {
    StringBuilder sb = new StringBuilder(384);
    write(t, sb);
    return sb.toString();
  }

  public static void write(Transaction t, StringBuilder sb) {
    sb.append('{');
    field(sb, "protocol", t.protocol().wireName(), true);
    endpoint(sb, "client", t.client());
    endpoint(sb, "server", t.server());
    if (t.start() != null) {
      field(sb, "start", instant(t.start()), false);
    }
    if (t.end() != null) {
      field(sb, "end", instant(t.end()), false);
    }
    if (t.durationMicros() != null) {
      sb.append(",\"durationMicros\":").append(t.durationMicros());
    }
    field(sb, "method", t.method(), false);
    field(sb, "resource", t.resource(), false);
    field(sb, "query", t.query(), false);
    field(sb, "status", t.status(), false);
    field(sb, "outcome", t.outcome().wireName(), false);
    sb.append(",\"requestBytes\":").append(t.requestBytes());
    sb.append(",\"responseBytes\":").append(t.responseBytes());
    if (t.rows() != null) {
      sb.append(",\"rows\":").append(t.rows());
    }
    field(sb, "host", t.host(), false);
    field(sb, "forwardedFor", t.forwardedFor(), false);
    field(sb, "params", t.params(), false);
    notes(sb, t.notes());
    field(sb, "clientContainer", t.clientContainer(), false);
    field(sb, "serverContainer", t.serverContainer(), false);
    field(sb, "clientService", t.clientService(), false);
    field(sb, "serverService", t.serverService(), false);
    field(sb, "observedAt", t.observedAt(), false);
    sb.append('}');
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

  private static void endpoint(StringBuilder sb, String name, Endpoint e) {
    sb.append(",\"").append(name).append("\":{\"ip\":");
    string(sb, e.ip());
    sb.append(",\"port\":").append(e.port()).append('}');
  }

  private static void notes(StringBuilder sb, List<String> notes) {
    if (notes.isEmpty()) {
      return;
    }
    sb.append(",\"notes\":[");
    for (int i = 0; i < notes.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      string(sb, notes.get(i));
    }
    sb.append(']');
  }

  private static void field(StringBuilder sb, String name, String value, boolean first) {
    if (value == null) {
      return;
    }
    if (!first) {
      sb.append(',');
    }
    sb.append('"').append(name).append("\":");
    string(sb, value);
  }

  /** A JSON string (RFC 8259 7): quotes, backslashes and control characters escaped. */
  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
