package dev.intuition.testsupport.es;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.IntuitionTestNode;
import org.elasticsearch.node.Node;
import org.elasticsearch.transport.netty4.Netty4Plugin;

/**
 * Runs one real Elasticsearch node: single-node discovery on 127.0.0.1, HTTP on the given port, data
 * in the given directory (kept across restarts, as a real node's would be). Prints {@code READY} once
 * it serves; stops cleanly on SIGTERM. Started by {@link TestElasticsearch}; test support only.
 *
 * <pre>  java -cp ... dev.intuition.testsupport.es.ElasticsearchTestNode HTTP_PORT HOME_DIR</pre>
 */
public final class ElasticsearchTestNode {
  private ElasticsearchTestNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ElasticsearchTestNode HTTP_PORT HOME_DIR");
      System.exit(2);
    }
    Path home = Path.of(args[1]).toAbsolutePath();
    Files.createDirectories(home.resolve("config"));
    Settings settings = Settings.builder()
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("path.logs", home.resolve("logs").toString())
        .put("cluster.name", "intuition-test")
        .put("node.name", "intuition-test-node")
        .put("discovery.type", "single-node")
        .put("network.host", "127.0.0.1")
        .put("http.port", args[0])
        .put("transport.port", "0")
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .put("indices.breaker.total.use_real_memory", false)
        .build();
    LogConfigurator.loadLog4jPlugins();
    LogConfigurator.configureESLogging();
    LogConfigurator.configureWithoutConfig(settings);
    var environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null,
        () -> "intuition-test-node");
    Node node = new IntuitionTestNode(environment, List.of(Netty4Plugin.class, RootPlugin.class));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        System.err.println("closing the node: " + e);
      }
    }, "es-test-node-shutdown"));
    node.start();
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
