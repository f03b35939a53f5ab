package dev.intuition.server;

import dev.intuition.server.graph.GraphAggregator;
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
   * The graph of the live window: one-second buckets for {@code intuition.graph.live-window}
   * (default 15 minutes).
   */
  @Bean
  GraphAggregator graphAggregator(Clock clock,
      @Value("${intuition.graph.live-window:15m}") Duration liveWindow) {
    return new GraphAggregator(clock, Duration.ofSeconds(1), (int) liveWindow.toSeconds());
  }

  /**
   * The transactions kept for drill-down: in memory unless {@code intuition.storage.type} says
   * otherwise, the most recent {@code intuition.storage.memory.max-transactions} (100,000).
   */
  @Bean
  @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(
      name = "intuition.storage.type", havingValue = "memory", matchIfMissing = true)
  dev.intuition.server.storage.TransactionStore inMemoryTransactionStore(
      @Value("${intuition.storage.memory.max-transactions:100000}") int capacity) {
    return new dev.intuition.server.storage.InMemoryTransactionStore(capacity);
  }

  /** Protocol and outcome travel as their wire names ({@code http}, {@code ok}), as in DESIGN.md. */
  @Bean
  com.fasterxml.jackson.databind.Module wireNames() {
    var module = new com.fasterxml.jackson.databind.module.SimpleModule("intuition-wire-names");
    module.addSerializer(dev.intuition.decoder.Protocol.class,
        wireName(dev.intuition.decoder.Protocol.class, dev.intuition.decoder.Protocol::wireName));
    module.addSerializer(dev.intuition.decoder.Outcome.class,
        wireName(dev.intuition.decoder.Outcome.class, dev.intuition.decoder.Outcome::wireName));
    return module;
  }

  private static <E> com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase wireName(
      Class<E> type, java.util.function.Function<E, String> name) {
    return new com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase(type) {
      @Override
      public String valueToString(Object value) {
        return name.apply(type.cast(value));
      }
    };
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

  /** The shared secret of agents and server, compared in constant time. */
  public record AgentToken(String value) {
    public boolean matches(String presented) {
      return presented != null && java.security.MessageDigest.isEqual(
          value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          presented.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
