package dev.intuition.server.ingest;

import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.ingest.Ingester;
import dev.intuition.core.ingest.TransactionCheck;
import dev.intuition.core.inventory.AddressBook;
import dev.intuition.core.notice.NoticeDetector;
import dev.intuition.core.storage.TransactionStore;
import dev.intuition.server.config.IntuitionProperties;
import dev.intuition.server.metrics.EdgeMetrics;
import java.time.Clock;
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
  InFlightBytes inFlightBytes(IntuitionProperties p) {
    return new InFlightBytes(p.ingest().maxInFlightBytes().toBytes());
  }

  @Bean
  BatchReader batchReader(IntuitionProperties p) {
    var l = p.limits();
    return new BatchReader(new TransactionCheck(new TransactionCheck.Limits(l.maxNameLength(),
        l.maxResourceLength(), l.maxQueryLength(), l.maxStatusLength(), l.maxNotes())),
        p.ingest().maxRequestBytes().toBytes(), p.ingest().maxBodyBytes().toBytes());
  }

  @Bean
  Ingester ingester(Clock clock, GraphAggregator aggregator, TransactionStore store,
      AddressBook addresses, EdgeMetrics metrics, NoticeDetector notices, IntuitionProperties p) {
    var c = p.ingest().clock();
    return new Ingester(clock, new Ingester.Settings(c.maxFuture(), c.correct(), c.noticeAbove(),
        p.limits().maxAgents(), p.ingest().samplesPerSecond()), aggregator, store, addresses,
        metrics, notices);
  }
}
