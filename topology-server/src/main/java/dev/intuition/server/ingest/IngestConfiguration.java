package dev.intuition.server.ingest;

import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.ingest.Ingester;
import dev.intuition.core.ingest.TransactionCheck;
import dev.intuition.core.inventory.AddressBook;
import dev.intuition.core.notice.NoticeDetector;
import dev.intuition.core.storage.TransactionStore;
import dev.intuition.server.metrics.EdgeMetrics;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The ingest path's settings (README: Limits): sizes of a request as sent and decompressed, the
 * decompressed bytes in flight across all requests, the lengths texts are cut to, and how agents'
 * clocks are judged.
 */
@Configuration
class IngestConfiguration {
  @Bean
  InFlightBytes inFlightBytes(
      @Value("${intuition.ingest.max-in-flight-bytes:67108864}") long maxInFlight,
      @Value("${intuition.ingest.max-body-bytes:16777216}") long maxBody) {
    if (maxInFlight < maxBody) {
      throw new IllegalArgumentException("intuition.ingest.max-in-flight-bytes (" + maxInFlight
          + ") must be at least intuition.ingest.max-body-bytes (" + maxBody + "), or no"
          + " maximal batch could ever be taken");
    }
    return new InFlightBytes(maxInFlight);
  }

  @Bean
  BatchReader batchReader(
      @Value("${intuition.ingest.max-request-bytes:8388608}") long maxRequest,
      @Value("${intuition.ingest.max-body-bytes:16777216}") long maxBody,
      @Value("${intuition.limits.max-name-length:200}") int maxName,
      @Value("${intuition.limits.max-resource-length:1024}") int maxResource,
      @Value("${intuition.limits.max-query-length:4096}") int maxQuery,
      @Value("${intuition.limits.max-status-length:256}") int maxStatus,
      @Value("${intuition.limits.max-notes:16}") int maxNotes) {
    return new BatchReader(new TransactionCheck(
        new TransactionCheck.Limits(maxName, maxResource, maxQuery, maxStatus, maxNotes)),
        maxRequest, maxBody);
  }

  @Bean
  Ingester ingester(Clock clock, GraphAggregator aggregator, TransactionStore store,
      AddressBook addresses, EdgeMetrics metrics, NoticeDetector notices,
      @Value("${intuition.ingest.clock.max-future:2m}") Duration maxFuture,
      @Value("${intuition.ingest.clock.correct:true}") boolean correct,
      @Value("${intuition.ingest.clock.notice-above:10s}") Duration noticeAbove,
      @Value("${intuition.limits.max-agents:10000}") int maxAgents) {
    return new Ingester(clock, new Ingester.Settings(maxFuture, correct, noticeAbove, maxAgents),
        aggregator, store, addresses, metrics, notices);
  }
}
