package dev.intuition.server;

import dev.intuition.core.GraphService;
import dev.intuition.core.Json;
import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.inventory.AddressBook;
import dev.intuition.core.notice.NoticeDetector;
import dev.intuition.core.storage.InMemoryTransactionStore;
import dev.intuition.core.storage.TransactionStore;
import dev.intuition.server.storage.ElasticsearchTransactionStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The topology server: takes batches from agents ({@code /api/v1/ingest}), keeps the service graph and
 * serves it ({@code /api/v1/graph}). Started by {@code ./intuition server}.
 */
@SpringBootApplication
public class TopologyServer {
  public static void main(String[] args) {
    SpringApplication.run(TopologyServer.class, args);
  }

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * The graph: 1-second buckets for {@code intuition.graph.live-window} (5 minutes), 10-second
   * buckets for {@code intuition.graph.recent-window} (1 hour), minutes in the store beyond; edges
   * fade out {@code intuition.graph.fade-after} (2 minutes) after their last call.
   */
  @Bean
  GraphAggregator graphAggregator(Clock clock, TransactionStore store,
      @Value("${intuition.graph.live-window:5m}") Duration liveWindow,
      @Value("${intuition.graph.recent-window:1h}") Duration recentWindow,
      @Value("${intuition.graph.fade-after:2m}") Duration fadeAfter,
      @Value("${intuition.graph.minute-grace:30s}") Duration minuteGrace,
      @Value("${intuition.limits.max-services:2000}") int maxServices,
      @Value("${intuition.limits.max-edges:5000}") int maxEdges,
      @Value("${intuition.limits.max-containers-per-service:100}") int maxContainersPerService,
      @Value("${intuition.limits.max-containers:10000}") int maxContainers,
      @Value("${intuition.graph.max-bytes:320MB}") org.springframework.util.unit.DataSize maxBytes) {
    return new GraphAggregator(clock, new GraphAggregator.Settings(liveWindow, recentWindow,
        fadeAfter, minuteGrace, maxServices, maxEdges, maxContainersPerService, maxContainers,
        maxBytes.toBytes()), store);
  }

  /**
   * Agents' inventories, forgotten {@code intuition.inventory.expiry} (2 minutes) after the last; at
   * most {@code intuition.limits.max-agents} agents and {@code max-addresses-per-agent} addresses each.
   */
  @Bean
  AddressBook addressBook(Clock clock,
      @Value("${intuition.inventory.expiry:2m}") Duration expiry,
      @Value("${intuition.limits.max-agents:10000}") int maxAgents,
      @Value("${intuition.limits.max-addresses-per-agent:65536}") int maxAddresses,
      @Value("${intuition.limits.max-name-length:200}") int maxName) {
    return new AddressBook(clock, expiry, new AddressBook.Limits(maxAgents, maxAddresses,
        maxName));
  }

  @Bean
  NoticeDetector noticeDetector(Clock clock,
      @Value("${intuition.notices.warm-up:60s}") Duration warmUp,
      @Value("${intuition.notices.show-for:5m}") Duration showFor,
      @Value("${intuition.notices.gone-after:2m}") Duration goneAfter,
      @Value("${intuition.notices.min-calls:20}") int minCalls,
      @Value("${intuition.notices.error-rate:0.05}") double errorRate,
      @Value("${intuition.notices.latency-factor:2.0}") double latencyFactor,
      @Value("${intuition.limits.max-notices-per-type:500}") int keep) {
    return new NoticeDetector(clock, new NoticeDetector.Settings(warmUp, showFor, goneAfter,
        minCalls, errorRate, latencyFactor, keep));
  }

  @Bean(destroyMethod = "close")
  GraphService graphService(Clock clock, GraphAggregator aggregator, AddressBook addresses,
      NoticeDetector notices, TransactionStore store,
      dev.intuition.server.metrics.EdgeMetrics metrics,
      @Value("${intuition.graph.tick:true}") boolean tick) {
    return new GraphService(clock, aggregator, addresses, notices, store, metrics, tick);
  }

  /**
   * The store, by {@code intuition.storage.type}: {@code memory} (the default: the most recent
   * {@code intuition.storage.memory.max-transactions}, 100,000, and {@code intuition.storage.retention}
   * of per-minute statistics, 24 hours) or {@code elasticsearch} (README: configuration).
   */
  @Bean(destroyMethod = "close")
  TransactionStore transactionStore(org.springframework.core.env.Environment env) {
    String type = env.getProperty("intuition.storage.type", "memory").trim();
    switch (type) {
      case "memory":
        return new InMemoryTransactionStore(
            env.getProperty("intuition.storage.memory.max-transactions", Integer.class, 100_000),
            env.getProperty("intuition.storage.retention", Duration.class, Duration.ofHours(24)),
            env.getProperty("intuition.storage.memory.max-bytes",
                org.springframework.util.unit.DataSize.class,
                org.springframework.util.unit.DataSize.ofBytes(
                    InMemoryTransactionStore.DEFAULT_MAX_BYTES)).toBytes(),
            env.getProperty("intuition.storage.memory.max-rollup-bytes",
                org.springframework.util.unit.DataSize.class,
                org.springframework.util.unit.DataSize.ofBytes(
                    InMemoryTransactionStore.DEFAULT_MAX_ROLLUP_BYTES)).toBytes());
      case "elasticsearch":
        String p = "intuition.storage.elasticsearch.";
        var store = new ElasticsearchTransactionStore(new ElasticsearchTransactionStore.Settings(
            env.getProperty(p + "url", "http://localhost:9200"),
            env.getProperty(p + "username"),
            env.getProperty(p + "password"),
            env.getProperty(p + "api-key"),
            env.getProperty(p + "index-prefix", "intuition"),
            env.getProperty("intuition.storage.retention", Duration.class, Duration.ofDays(7)),
            env.getProperty(p + "shards", Integer.class, 1),
            env.getProperty(p + "replicas", Integer.class, 0),
            env.getProperty(p + "buffer-documents", Integer.class, 50_000),
            env.getProperty(p + "bulk-documents", Integer.class, 2_000),
            env.getProperty(p + "flush-interval", Duration.class, Duration.ofSeconds(1)),
            env.getProperty(p + "max-backoff", Duration.class, Duration.ofSeconds(10))));
        System.out.println("intuition server: storing in Elasticsearch at "
            + env.getProperty(p + "url", "http://localhost:9200"));
        return store;
      default:
        throw new IllegalArgumentException("intuition.storage.type must be memory or "
            + "elasticsearch, got '" + type + "'");
    }
  }

  @Bean
  dev.intuition.server.metrics.EdgeMetrics edgeMetrics(
      io.micrometer.core.instrument.MeterRegistry registry,
      @Value("${intuition.metrics.max-edges:2000}") int maxEdges) {
    return new dev.intuition.server.metrics.EdgeMetrics(registry, maxEdges);
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
  AgentToken agentToken(@Value("${intuition.token:${INTUITION_TOKEN:}}") String configured) {
    if (configured != null && !configured.isBlank()) {
      return new AgentToken(configured.trim());
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
  dev.intuition.server.security.ViewerAuth viewerAuth(AgentToken agents,
      @Value("${intuition.viewer.token:${INTUITION_VIEWER_TOKEN:}}") String token,
      @Value("${intuition.viewer.trusted-header:}") String header,
      @Value("${intuition.viewer.trusted-proxies:127.0.0.1,::1}") java.util.List<String> proxies) {
    var auth = new dev.intuition.server.security.ViewerAuth(token, agents.value(), header,
        proxies);
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
