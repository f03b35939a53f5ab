package dev.intuition.server;

import dev.intuition.cli.Cli;
import dev.intuition.cli.ServerCommand;
import dev.intuition.core.GraphService;
import dev.intuition.core.Json;
import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.inventory.AddressBook;
import dev.intuition.core.notice.NoticeDetector;
import dev.intuition.core.storage.InMemoryTransactionStore;
import dev.intuition.core.storage.TransactionStore;
import dev.intuition.server.config.IntuitionProperties;
import dev.intuition.server.storage.ElasticsearchTransactionStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The topology server: takes batches from agents ({@code /api/v1/ingest}), keeps the service graph and
 * serves it ({@code /api/v1/graph}). Started by {@code ./intuition server}.
 */
@SpringBootApplication
@EnableConfigurationProperties(IntuitionProperties.class)
public class TopologyServer {
  /**
   * {@code ./intuition server}: the command line ({@link ServerCommand}, shared with the agent's jar)
   * turned into Spring properties, then the application in this JVM.
   */
  public static void main(String[] args) {
    ServerCommand command = new ServerCommand(properties -> {
      try {
        SpringApplication.run(TopologyServer.class, properties.toArray(String[]::new));
        return ServerCommand.RUNNING;
      } catch (RuntimeException e) {
        return 1; // Spring has said why (a bad setting is one line: BadSettingAnalyzer)
      }
    });
    CommandLine cl = new CommandLine(command).setCommandName("intuition server");
    int status = Cli.commandLine(cl, System.out, System.err, System.getenv()).execute(args);
    if (status != ServerCommand.RUNNING) {
      System.exit(status);
    }
  }

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * The graph: 1-second buckets for {@code intuition.graph.live-window}, 10-second buckets for
   * {@code intuition.graph.recent-window}, minutes in the store beyond; edges fade out
   * {@code intuition.graph.fade-after} after their last call; bounded by {@code intuition.limits.*}
   * and {@code intuition.graph.max-bytes}.
   */
  @Bean
  GraphAggregator graphAggregator(Clock clock, TransactionStore store, IntuitionProperties p) {
    var g = p.graph();
    var l = p.limits();
    return new GraphAggregator(clock, new GraphAggregator.Settings(g.liveWindow(),
        g.recentWindow(), g.fadeAfter(), g.minuteGrace(), l.maxServices(), l.maxEdges(),
        l.maxContainersPerService(), l.maxContainers(), g.maxBytes().toBytes()), store);
  }

  /**
   * Agents' inventories, forgotten {@code intuition.inventory.expiry} after the last; at most
   * {@code intuition.limits.max-agents} agents and {@code max-addresses-per-agent} addresses each.
   */
  @Bean
  AddressBook addressBook(Clock clock, IntuitionProperties p) {
    var l = p.limits();
    return new AddressBook(clock, p.inventory().expiry(), new AddressBook.Limits(l.maxAgents(),
        l.maxAddressesPerAgent(), l.maxNameLength()));
  }

  @Bean
  NoticeDetector noticeDetector(Clock clock, IntuitionProperties p) {
    var n = p.notices();
    return new NoticeDetector(clock, new NoticeDetector.Settings(n.warmUp(), n.showFor(),
        n.goneAfter(), n.minCalls(), n.errorRate(), n.latencyFactor(),
        p.limits().maxNoticesPerType()));
  }

  @Bean(destroyMethod = "close")
  GraphService graphService(Clock clock, GraphAggregator aggregator, AddressBook addresses,
      NoticeDetector notices, TransactionStore store,
      dev.intuition.server.metrics.EdgeMetrics metrics, IntuitionProperties p) {
    return new GraphService(clock, aggregator, addresses, notices, store, metrics,
        p.graph().tick());
  }

  /**
   * The store by {@code intuition.storage.type}: {@code memory}, the default (the most recent
   * {@code intuition.storage.memory.max-transactions} transactions and {@code retention} of
   * per-minute statistics), or {@code elasticsearch} (README: Storage).
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "intuition.storage.type", havingValue = "memory",
      matchIfMissing = true)
  TransactionStore memoryStore(IntuitionProperties p) {
    var m = p.storage().memory();
    return new InMemoryTransactionStore(m.maxTransactions(), p.storage().retention(),
        m.maxBytes().toBytes(), m.maxRollupBytes().toBytes());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "intuition.storage.type", havingValue = "elasticsearch")
  TransactionStore elasticsearchStore(IntuitionProperties p) {
    var e = p.storage().elasticsearch();
    var store = new ElasticsearchTransactionStore(new ElasticsearchTransactionStore.Settings(
        e.url(), e.username(), e.password(), e.apiKey(), e.indexPrefix(), p.storage().retention(),
        e.shards(), e.replicas(), e.bufferDocuments(), e.bulkDocuments(), e.flushInterval(),
        e.maxBackoff()));
    System.out.println("intuition server: storing in Elasticsearch at " + e.url());
    return store;
  }

  @Bean
  dev.intuition.server.metrics.EdgeMetrics edgeMetrics(
      io.micrometer.core.instrument.MeterRegistry registry, IntuitionProperties p) {
    return new dev.intuition.server.metrics.EdgeMetrics(registry, p.metrics().maxEdges());
  }

  /** {@code store} in /actuator/health. */
  @Bean
  dev.intuition.server.metrics.StoreHealth store(TransactionStore store,
      io.micrometer.core.instrument.MeterRegistry registry) {
    io.micrometer.core.instrument.Gauge.builder("intuition.store.written",
        () -> store.status().written()).description("Documents written to the store")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder("intuition.store.pending",
        () -> store.status().pending()).description("Documents waiting in the write buffer")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder("intuition.store.lost",
        () -> store.status().lost()).description("Documents lost: buffer full or refused")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder("intuition.store.up",
        () -> store.status().up() ? 1 : 0).description("1 while the store is reachable")
        .register(registry);
    return new dev.intuition.server.metrics.StoreHealth(store);
  }

  /** Protocol and outcome travel as their wire names ({@code http}, {@code ok}), as in DESIGN.md. */
  @Bean
  com.fasterxml.jackson.databind.Module wireNames() {
    return Json.wireNames();
  }

  /**
   * The token agents must present: {@code intuition.token} (INTUITION_TOKEN), else a random one,
   * printed once at start so that agents can be given it.
   */
  @Bean
  AgentToken agentToken(IntuitionProperties p) {
    if (p.token() != null) {
      return new AgentToken(p.token().trim());
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    System.out.println("intuition server: no INTUITION_TOKEN set; agents must use INTUITION_TOKEN="
        + token);
    return new AgentToken(token);
  }

  /**
   * Viewer authentication (README: Security): off unless {@code intuition.viewer.token}
   * (INTUITION_VIEWER_TOKEN) or {@code intuition.viewer.trusted-header} is set; the header is
   * believed only from {@code intuition.viewer.trusted-proxies} (loopback by default).
   */
  @Bean
  dev.intuition.server.security.ViewerAuth viewerAuth(AgentToken agents, IntuitionProperties p) {
    String token = p.viewer().token();
    String header = p.viewer().trustedHeader();
    var auth = new dev.intuition.server.security.ViewerAuth(token, agents.value(), header,
        p.viewer().trustedProxies());
    System.out.println("intuition server: viewers " + (auth.enabled()
        ? "must log in" + (auth.hasToken() ? " with the viewer token" : "")
            + (header.isBlank() ? "" : (auth.hasToken() ? " or" : "") + " come through a proxy"
                + " that sets " + header.trim())
        : "need no login (set INTUITION_VIEWER_TOKEN to require one)"));
    return auth;
  }

  /** The shared secret of agents and server, compared in constant time. */
  public record AgentToken(String value) {
    public boolean matches(String presented) {
      return presented != null && java.security.MessageDigest.isEqual(
          value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          presented.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
