package dev.intuition.server.api;

import dev.intuition.decoder.Protocol;
import dev.intuition.wire.stats.CallStats;
import dev.intuition.core.graph.EdgeSeries;
import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.GraphService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/edge?client=&server=[&protocol=][&window=15m][&at=]}: one edge over a window, for
 * its drill-down: the total (rate, outcomes, exact percentiles), a series of about 60 steps (rate,
 * error rate and p99 per step) and its latency histogram (4 bins per doubling).
 */
@RestController
@RequestMapping("/api/v1")
class EdgeController {
  private static final int STEPS = 60;
  private final GraphService graphs;

  EdgeController(GraphService graphs) {
    this.graphs = graphs;
  }

  @GetMapping("/edge")
  Map<String, Object> edge(@RequestParam String client, @RequestParam String server,
      @RequestParam(required = false) String protocol,
      @RequestParam(defaultValue = "15m") String window,
      @RequestParam(required = false) String at) {
    Protocol p = protocol(protocol);
    Duration w = GraphController.duration(window);
    Instant to = at == null ? Instant.now(graphs.clock()).plusNanos(1000)
        : GraphController.instant("at", at);
    EdgeSeries s = graphs.aggregator().edgeSeries(client, server, p, to.minus(w),
        to, STEPS);
    double stepSeconds = s.step().toNanos() / 1e9;
    List<Map<String, Object>> series = new ArrayList<>(s.steps().size());
    Instant stepStart = s.from();
    for (CallStats c : s.steps()) {
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("at", stepStart);
      point.put("rate", c.count() / stepSeconds);
      point.put("errorRate", c.count() == 0 ? 0.0 : (double) c.error() / c.count());
      point.put("p99Micros", c.percentile(99));
      series.add(point);
      stepStart = stepStart.plus(s.step());
    }
    List<Map<String, Object>> histogram = new ArrayList<>();
    for (long[] bin : s.total().histogram(4)) {
      histogram.add(Map.of("upToMicros", bin[0], "count", bin[1]));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("client", client);
    out.put("server", server);
    out.put("protocol", p == null ? null : p.wireName());
    out.put("from", s.from());
    out.put("to", s.to());
    out.put("calls", Graph.Calls.of(s.total(),
        Duration.between(s.from(), s.to()).toNanos() / 1e9));
    out.put("stepSeconds", stepSeconds);
    out.put("series", series);
    out.put("histogram", histogram);
    return out;
  }

  /** Endpoints listed at most per answer. */
  static final int MAX_ENDPOINTS = 500;

  /**
   * {@code GET /api/v1/endpoints?server=[&client=][&protocol=][&window=15m][&at=][&limit=50]}: the
   * endpoints of a service (of one edge, when {@code client} is given) over a window, by calls, the
   * most first: HTTP method and templated path, SQL statement shape, Redis command. Endpoints are
   * kept at 10-second resolution for the last 15 minutes; {@code coveredFrom} says where the
   * answer's data starts when the window reaches further back.
   */
  @GetMapping("/endpoints")
  Map<String, Object> endpoints(@RequestParam String server,
      @RequestParam(required = false) String client,
      @RequestParam(required = false) String protocol,
      @RequestParam(defaultValue = "15m") String window,
      @RequestParam(required = false) String at,
      @RequestParam(defaultValue = "50") int limit) {
    Protocol p = protocol(protocol);
    if (limit < 1 || limit > MAX_ENDPOINTS) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "limit must be 1 to " + MAX_ENDPOINTS
          + ", got " + limit);
    }
    Duration w = GraphController.duration(window);
    Instant to = at == null ? Instant.now(graphs.clock()).plusNanos(1000)
        : GraphController.instant("at", at);
    Instant from = to.minus(w);
    List<GraphAggregator.EndpointCalls> all = graphs.aggregator().endpoints(
        client == null || client.isBlank() ? null : client, server, p, from, to);
    double seconds = Math.max(1, w.toNanos() / 1e9);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (GraphAggregator.EndpointCalls e : all.subList(0, Math.min(limit, all.size()))) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("endpoint", e.endpoint());
      row.put("protocol", e.protocol().wireName());
      if (e.client() != null) {
        row.put("client", e.client());
      }
      row.put("calls", Graph.Calls.of(e.stats(), seconds));
      rows.add(row);
    }
    Instant covered = graphs.aggregator().endpointsFrom();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("server", server);
    out.put("client", client);
    out.put("protocol", p == null ? null : p.wireName());
    out.put("from", from);
    out.put("to", to);
    out.put("coveredFrom", covered.isAfter(from) ? covered : from);
    out.put("endpoints", rows);
    out.put("more", Math.max(0, all.size() - limit));
    return out;
  }

  /** The {@code protocol} parameter: null when absent, else a protocol's wire name. */
  static Protocol protocol(String protocol) {
    try {
      return protocol == null || protocol.isBlank() ? null : Protocol.fromWireName(protocol.trim());
    } catch (IllegalArgumentException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "protocol must be one of http, redis, "
          + "postgresql, mysql, tls, got '" + GraphController.shorten(protocol) + "'");
    }
  }
}
