package dev.intuition.core.graph;

import dev.intuition.core.graph.EndpointNames;
import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.Notice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph in Netflix Vizceral's traffic format, so that a stock Vizceral client can draw it: a
 * {@code global} graph whose one {@code region} node ({@value #REGION}) holds the services; INTERNET
 * is the entry node at both levels. Metrics are calls per second split into normal (ok), warning and
 * danger (error); classes follow the share of failing calls; notices go on the nodes and connections
 * they concern. Several protocols between the same two services make one connection (Vizceral keys
 * connections by their ends), its metadata listing them.
 */
public final class VizceralFormat {
  static final String REGION = "intuition";

  private VizceralFormat() {}

  public static Map<String, Object> of(Graph g) {
    Map<String, Map<String, Object>> connections = new LinkedHashMap<>();
    double maxVolume = 0;
    for (Graph.Edge e : g.edges()) {
      String key = e.client() + "\u0000" + e.server();
      Map<String, Object> c = connections.computeIfAbsent(key, k -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", e.client());
        m.put("target", e.server());
        m.put("metrics", new LinkedHashMap<>(Map.of("normal", 0.0, "warning", 0.0, "danger",
            0.0)));
        m.put("metadata", new LinkedHashMap<>(Map.of("protocols", new ArrayList<String>(),
            "p99Micros", 0L)));
        m.put("notices", new ArrayList<Map<String, Object>>());
        return m;
      });
      @SuppressWarnings("unchecked")
      Map<String, Double> metrics = (Map<String, Double>) c.get("metrics");
      // Calls per second by outcome: the edge's rate, split as its calls are.
      double perCall = e.calls().total() == 0 ? 0 : e.calls().rate() / e.calls().total();
      metrics.merge("normal", e.calls().ok() * perCall, Double::sum);
      metrics.merge("warning", e.calls().warning() * perCall, Double::sum);
      metrics.merge("danger", e.calls().error() * perCall, Double::sum);
      @SuppressWarnings("unchecked")
      Map<String, Object> meta = (Map<String, Object>) c.get("metadata");
      @SuppressWarnings("unchecked")
      List<String> protocols = (List<String>) meta.get("protocols");
      protocols.add(e.protocol());
      meta.put("p99Micros", Math.max((Long) meta.get("p99Micros"), e.calls().p99Micros()));
    }
    for (Map<String, Object> c : connections.values()) {
      @SuppressWarnings("unchecked")
      Map<String, Double> m = (Map<String, Double>) c.get("metrics");
      double total = m.get("normal") + m.get("warning") + m.get("danger");
      maxVolume = Math.max(maxVolume, total);
      c.put("class", cls(m.get("danger"), m.get("warning"), total));
    }
    for (Notice n : g.notices()) {
      if (n.onEdge()) {
        Map<String, Object> c = connections.get(n.client() + "\u0000" + n.server());
        if (c != null) {
          @SuppressWarnings("unchecked")
          List<Map<String, Object>> list = (List<Map<String, Object>>) c.get("notices");
          list.add(notice(n));
        }
      }
    }
    List<Map<String, Object>> nodes = new ArrayList<>();
    boolean internet = false;
    for (Graph.Node n : g.nodes()) {
      internet |= n.name().equals(EndpointNames.INTERNET);
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("name", n.name());
      node.put("displayName", n.name());
      long total = n.served().total();
      node.put("class", cls(n.served().error(), n.served().warning(), total));
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("kind", n.kind());
      if (n.group() != null) {
        meta.put("group", n.group());
      }
      meta.put("containers", n.containers().size());
      meta.put("rate", n.served().rate());
      meta.put("p99Micros", n.served().p99Micros());
      node.put("metadata", meta);
      List<Map<String, Object>> notices = new ArrayList<>();
      for (Notice x : g.notices()) {
        if (n.name().equals(x.service())) {
          notices.add(notice(x));
        }
      }
      node.put("notices", notices);
      nodes.add(node);
    }
    if (!internet) {
      nodes.add(0, new LinkedHashMap<>(Map.of("name", EndpointNames.INTERNET, "class", "normal")));
    }
    long updated = g.to().toEpochMilli();
    Map<String, Object> region = new LinkedHashMap<>();
    region.put("renderer", "region");
    region.put("name", REGION);
    region.put("layout", "ltrTree");
    region.put("updated", updated);
    region.put("maxVolume", Math.max(1, maxVolume * 1.5));
    region.put("nodes", nodes);
    region.put("connections", new ArrayList<>(connections.values()));
    double entry = 0;
    for (Map<String, Object> c : connections.values()) {
      if (EndpointNames.INTERNET.equals(c.get("source"))) {
        @SuppressWarnings("unchecked")
        Map<String, Double> m = (Map<String, Double>) c.get("metrics");
        entry += m.get("normal") + m.get("warning") + m.get("danger");
      }
    }
    Map<String, Object> global = new LinkedHashMap<>();
    global.put("renderer", "global");
    global.put("name", "edge");
    global.put("updated", updated);
    global.put("maxVolume", Math.max(1, maxVolume * 1.5));
    global.put("nodes", List.of(Map.of("renderer", "region", "name", EndpointNames.INTERNET,
        "class", "normal"), region));
    global.put("connections", List.of(Map.of("source", EndpointNames.INTERNET, "target", REGION,
        "metrics", Map.of("normal", entry, "warning", 0.0, "danger", 0.0), "class", "normal")));
    return global;
  }

  private static String cls(double danger, double warning, double total) {
    if (total <= 0) {
      return "normal";
    }
    return danger / total >= 0.05 ? "danger" : warning / total >= 0.05 ? "warning" : "normal";
  }

  private static Map<String, Object> notice(Notice n) {
    return Map.of("title", n.title(), "severity", n.severity());
  }
}
