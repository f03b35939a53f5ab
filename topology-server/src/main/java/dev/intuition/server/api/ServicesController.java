package dev.intuition.server.api;

import dev.intuition.core.graph.Graph;
import dev.intuition.core.GraphService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/services/{name}}: one service over a window: the calls it served, per container,
 * and the edges that call it (callers) and that it calls (callees). 404 when the service had no
 * traffic in the window.
 */
@RestController
@RequestMapping("/api/v1")
class ServicesController {
  private final GraphService graphs;

  ServicesController(GraphService graphs) {
    this.graphs = graphs;
  }

  @GetMapping("/services/{name}")
  Map<String, Object> service(@PathVariable String name,
      @RequestParam(defaultValue = "60s") String window,
      @RequestParam(required = false) String at) {
    java.time.Duration w = GraphController.duration(window);
    Graph g = at == null ? graphs.live(w)
        : graphs.range(GraphController.instant("at", at).minus(w), GraphController.instant("at", at));
    Graph.Node node = g.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "no service '" + name
            + "' had traffic in the " + window + " window" + (at == null ? "" : " before " + at)));
    List<Graph.Edge> callers = g.edges().stream().filter(e -> e.server().equals(name)).toList();
    List<Graph.Edge> callees = g.edges().stream().filter(e -> e.client().equals(name)).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", node.name());
    out.put("kind", node.kind());
    out.put("group", node.group());
    out.put("from", g.from());
    out.put("to", g.to());
    out.put("served", node.served());
    out.put("containers", node.containers());
    out.put("callers", callers);
    out.put("callees", callees);
    return out;
  }
}
