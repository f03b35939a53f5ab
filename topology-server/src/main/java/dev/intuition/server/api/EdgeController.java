package dev.intuition.server.api;

import dev.intuition.decoder.Protocol;
import dev.intuition.wire.stats.CallStats;
import dev.intuition.core.graph.EdgeSeries;
import dev.intuition.core.graph.Graph;
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
    Protocol p;
    try {
      p = protocol == null || protocol.isBlank() ? null : Protocol.fromWireName(protocol.trim());
    } catch (IllegalArgumentException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "protocol must be one of http, redis, "
          + "postgresql, mysql, got '" + protocol + "'");
    }
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
}
