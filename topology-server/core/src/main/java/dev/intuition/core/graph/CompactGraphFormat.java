package dev.intuition.core.graph;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph as the web UI's stream carries it ({@code /ws/graph?format=compact}): the same content as
 * the graph's JSON, with rows instead of objects, so that an update of 1,000 edges is about a quarter
 * of the bytes (and of what the browser must receive and parse in the frame that shows it).
 *
 * <pre>
 * {"version": 1, "from": ISO, "to": ISO, "seconds": what rates are per,
 *  "calls": ["ok", "warning", "error", "p50Micros", "p95Micros", "p99Micros", "requestBytes", "responseBytes"],
 *  "nodes": [[name, kind, group, lastSeen, calls, [[container, calls?], ...]], ...],
 *  "edges": [[client, server, protocol, external, lastSeen, calls], ...],
 *  "notices": [the graph's notices, as objects], "overflow": the graph's overflow or null}
 * </pre>
 *
 * <p>{@code calls} is an array in the order of {@code "calls"}; the rate is their total over
 * {@code seconds}, and a ninth element carries it only where it is not (never in graphs this
 * server builds). An edge's {@code client} and {@code server} are indexes into {@code nodes}, or the
 * name itself for an end that is no node. {@code lastSeen} is in microseconds before {@code to}
 * (both taken to the microsecond, as the aggregator keeps them), or null. {@link #read} turns it
 * back into the same {@link Graph}.
 */
public final class CompactGraphFormat {
  public static final int VERSION = 1;
  /** The order of the numbers in a {@code calls} array. */
  public static final List<String> CALLS = List.of("ok", "warning", "error", "p50Micros",
      "p95Micros", "p99Micros", "requestBytes", "responseBytes");

  private CompactGraphFormat() {}

  /** A stream message: {@code {"type": TYPE, "compact": {...}}}. */
  public static String message(String type, Graph g, ObjectMapper json) throws IOException {
    StringWriter text = new StringWriter(64 + 64 * g.edges().size() + 128 * g.nodes().size());
    try (JsonGenerator out = json.createGenerator(text)) { // the mapper's: it writes the notices
      out.writeStartObject();
      out.writeStringField("type", type);
      out.writeFieldName("compact");
      write(g, out);
      out.writeEndObject();
    }
    return text.toString();
  }

  /** Writes the graph as one compact object. */
  public static void write(Graph g, JsonGenerator out) throws IOException {
    double seconds = seconds(g);
    out.writeStartObject();
    out.writeNumberField("version", VERSION);
    out.writeStringField("from", g.from().toString());
    out.writeStringField("to", g.to().toString());
    out.writeNumberField("seconds", seconds);
    out.writeArrayFieldStart("calls");
    for (String c : CALLS) {
      out.writeString(c);
    }
    out.writeEndArray();
    Map<String, Integer> index = HashMap.newHashMap(g.nodes().size());
    out.writeArrayFieldStart("nodes");
    for (Graph.Node n : g.nodes()) {
      index.putIfAbsent(n.name(), index.size());
      out.writeStartArray();
      out.writeString(n.name());
      out.writeString(n.kind());
      out.writeString(n.group());
      writeAgo(out, g.to(), n.lastSeen());
      writeCalls(out, n.served(), seconds);
      out.writeStartArray();
      for (Graph.Container c : n.containers()) {
        out.writeStartArray();
        out.writeString(c.name());
        if (!c.served().equals(n.served())) { // a service's only container serves what it does
          writeCalls(out, c.served(), seconds);
        }
        out.writeEndArray();
      }
      out.writeEndArray();
      out.writeEndArray();
    }
    out.writeEndArray();
    out.writeArrayFieldStart("edges");
    for (Graph.Edge e : g.edges()) {
      out.writeStartArray();
      writeEnd(out, index, e.client());
      writeEnd(out, index, e.server());
      out.writeString(e.protocol());
      out.writeBoolean(e.external());
      writeAgo(out, g.to(), e.lastSeen());
      writeCalls(out, e.calls(), seconds);
      out.writeEndArray();
    }
    out.writeEndArray();
    out.writeFieldName("notices");
    out.writeObject(g.notices());
    out.writeFieldName("overflow");
    out.writeObject(g.overflow());
    out.writeEndObject();
  }

  /** What the rates are per: the graph's range in seconds, as the aggregator divides by it. */
  static double seconds(Graph g) {
    return Math.max(1e-6, Duration.between(g.from(), g.to()).toNanos() / 1e9);
  }

  private static void writeEnd(JsonGenerator out, Map<String, Integer> index, String name)
      throws IOException {
    Integer i = index.get(name);
    if (i != null) {
      out.writeNumber(i);
    } else {
      out.writeString(name);
    }
  }

  private static void writeAgo(JsonGenerator out, Instant to, Instant at) throws IOException {
    if (at == null) {
      out.writeNull();
    } else {
      out.writeNumber(GraphAggregator.micros(to) - GraphAggregator.micros(at));
    }
  }

  private static void writeCalls(JsonGenerator out, Graph.Calls c, double seconds)
      throws IOException {
    out.writeStartArray();
    out.writeNumber(c.ok());
    out.writeNumber(c.warning());
    out.writeNumber(c.error());
    out.writeNumber(c.p50Micros());
    out.writeNumber(c.p95Micros());
    out.writeNumber(c.p99Micros());
    out.writeNumber(c.requestBytes());
    out.writeNumber(c.responseBytes());
    if (Double.compare(c.total() / seconds, c.rate()) != 0) {
      out.writeNumber(c.rate());
    }
    out.writeEndArray();
  }

  /**
   * Reads what {@link #write} wrote.
   *
   * @throws IllegalArgumentException when it is not a compact graph of this version
   */
  public static Graph read(JsonNode c, ObjectMapper json) {
    if (c == null || c.path("version").asInt() != VERSION || !c.path("nodes").isArray()
        || !c.path("edges").isArray()) {
      throw new IllegalArgumentException("not a compact graph of version " + VERSION);
    }
    Instant from = Instant.parse(c.path("from").asText());
    Instant to = Instant.parse(c.path("to").asText());
    double seconds = c.path("seconds").asDouble();
    List<Graph.Node> nodes = new ArrayList<>();
    for (JsonNode n : c.path("nodes")) {
      List<Graph.Container> containers = new ArrayList<>();
      Graph.Calls served = calls(n.get(4), seconds);
      for (JsonNode k : n.get(5)) {
        containers.add(new Graph.Container(k.get(0).asText(),
            k.size() > 1 ? calls(k.get(1), seconds) : served));
      }
      nodes.add(new Graph.Node(n.get(0).asText(), n.get(1).asText(), text(n.get(2)), served,
          containers, ago(to, n.get(3))));
    }
    List<Graph.Edge> edges = new ArrayList<>();
    for (JsonNode e : c.path("edges")) {
      edges.add(new Graph.Edge(end(nodes, e.get(0)), end(nodes, e.get(1)), e.get(2).asText(),
          e.get(3).asBoolean(), calls(e.get(5), seconds), ago(to, e.get(4))));
    }
    try {
      List<Notice> notices = json.readerForListOf(Notice.class).readValue(c.path("notices"));
      JsonNode o = c.path("overflow");
      GraphAggregator.Overflow overflow = o.isObject()
          ? json.treeToValue(o, GraphAggregator.Overflow.class) : null;
      return new Graph(from, to, nodes, edges, notices, overflow);
    } catch (IOException ex) {
      throw new IllegalArgumentException("not a compact graph: " + ex.getMessage(), ex);
    }
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static String end(List<Graph.Node> nodes, JsonNode e) {
    return e.isInt() ? nodes.get(e.asInt()).name() : e.asText();
  }

  private static Instant ago(Instant to, JsonNode micros) {
    return micros == null || micros.isNull() ? null
        : GraphAggregator.instant(GraphAggregator.micros(to) - micros.asLong());
  }

  private static Graph.Calls calls(JsonNode a, double seconds) {
    long ok = a.get(0).asLong();
    long warning = a.get(1).asLong();
    long error = a.get(2).asLong();
    double rate = a.size() > 8 ? a.get(8).asDouble() : (ok + warning + error) / seconds;
    return new Graph.Calls(rate, ok, warning, error, a.get(3).asLong(), a.get(4).asLong(),
        a.get(5).asLong(), a.get(6).asLong(), a.get(7).asLong());
  }
}
