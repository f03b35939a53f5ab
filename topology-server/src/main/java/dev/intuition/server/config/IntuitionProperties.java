package dev.intuition.server.config;

import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.ingest.Ingester;
import dev.intuition.core.ingest.TransactionCheck;
import dev.intuition.core.inventory.AddressBook;
import dev.intuition.core.notice.NoticeDetector;
import dev.intuition.core.storage.InMemoryTransactionStore;
import dev.intuition.server.storage.ElasticsearchTransactionStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every setting of the server ({@code intuition.*}, from application properties, the command line or
 * the environment: {@code INTUITION_GRAPH_LIVE_WINDOW} is {@code intuition.graph.live-window}), typed
 * and checked when the server starts: a value out of range stops it with one line that names the
 * setting ({@link BadSettingAnalyzer}). Defaults are written once: those of the core's components
 * are the core's own ({@code GraphAggregator.Settings.DEFAULT} and the like), the Spring module's
 * are here. The README's configuration table lists them all; {@code ConfigurationTableTest} keeps
 * the two in step.
 *
 * @param token the token agents must present (INTUITION_TOKEN); a random one when unset
 */
@ConfigurationProperties("intuition")
public record IntuitionProperties(String token, Graph graph, Limits limits, Inventory inventory,
    Notices notices, Ingest ingest, Stream stream, Metrics metrics, Storage storage,
    Viewer viewer) {

  public IntuitionProperties {
    token = blankToNull(token);
    graph = graph != null ? graph : new Graph(null, null, null, null, null, null);
    limits = limits != null ? limits : new Limits(null, null, null, null, null, null, null, null,
        null, null, null, null);
    inventory = inventory != null ? inventory : new Inventory(null);
    notices = notices != null ? notices : new Notices(null, null, null, null, null, null);
    ingest = ingest != null ? ingest : new Ingest(null, null, null, null, null);
    stream = stream != null ? stream : new Stream(null, null, null, null, null);
    metrics = metrics != null ? metrics : new Metrics(null);
    storage = storage != null ? storage : new Storage(null, null, null, null);
    viewer = viewer != null ? viewer : new Viewer(null, null, null);
    if (ingest.maxInFlightBytes().toBytes() < ingest.maxBodyBytes().toBytes()) {
      throw new BadSettingException("intuition.ingest.max-in-flight-bytes",
          size(ingest.maxInFlightBytes()) + " is less than intuition.ingest.max-body-bytes ("
          + size(ingest.maxBodyBytes()) + "): no maximal batch could ever be taken");
    }
  }

  /**
   * The graph in memory.
   *
   * @param liveWindow 1-second buckets kept
   * @param recentWindow 10-second buckets kept
   * @param fadeAfter an edge fades out this long after its last call
   * @param minuteGrace a complete minute waits this long for late batches before it is stored
   * @param maxBytes what the rings may take of the heap
   * @param tick whether the server's clock work runs (tests turn it off)
   */
  public record Graph(Duration liveWindow, Duration recentWindow, Duration fadeAfter,
      Duration minuteGrace, DataSize maxBytes, Boolean tick) {
    static final GraphAggregator.Settings D = GraphAggregator.Settings.DEFAULT;

    public Graph {
      liveWindow = atLeast("intuition.graph.live-window", or(liveWindow, D.liveWindow()),
          Duration.ofSeconds(10));
      recentWindow = atLeast("intuition.graph.recent-window", or(recentWindow,
          D.recentWindow()), Duration.ofSeconds(10));
      fadeAfter = atLeast("intuition.graph.fade-after", or(fadeAfter, D.fadeAfter()),
          Duration.ofSeconds(1));
      minuteGrace = atLeast("intuition.graph.minute-grace", or(minuteGrace, D.minuteGrace()),
          Duration.ZERO);
      maxBytes = atLeast("intuition.graph.max-bytes", or(maxBytes,
          DataSize.ofBytes(D.maxBytes())), DataSize.ofMegabytes(1));
      tick = or(tick, true);
    }
  }

  /** What the server holds at most (README: Limits). */
  public record Limits(Integer maxServices, Integer maxEdges, Integer maxContainersPerService,
      Integer maxContainers, Integer maxNameLength, Integer maxResourceLength,
      Integer maxQueryLength, Integer maxStatusLength, Integer maxNotes, Integer maxAgents,
      Integer maxAddressesPerAgent, Integer maxNoticesPerType) {
    static final GraphAggregator.Settings G = GraphAggregator.Settings.DEFAULT;
    static final TransactionCheck.Limits T = TransactionCheck.Limits.DEFAULT;

    public Limits {
      maxServices = positive("intuition.limits.max-services", or(maxServices, G.maxServices()));
      maxEdges = positive("intuition.limits.max-edges", or(maxEdges, G.maxEdges()));
      maxContainersPerService = positive("intuition.limits.max-containers-per-service",
          or(maxContainersPerService, G.maxContainersPerService()));
      maxContainers = positive("intuition.limits.max-containers",
          or(maxContainers, G.maxContainers()));
      maxNameLength = atLeast("intuition.limits.max-name-length",
          or(maxNameLength, T.maxNameLength()), 16);
      maxResourceLength = atLeast("intuition.limits.max-resource-length",
          or(maxResourceLength, T.maxResourceLength()), 16);
      maxQueryLength = atLeast("intuition.limits.max-query-length",
          or(maxQueryLength, T.maxQueryLength()), 16);
      maxStatusLength = atLeast("intuition.limits.max-status-length",
          or(maxStatusLength, T.maxStatusLength()), 16);
      maxNotes = positive("intuition.limits.max-notes", or(maxNotes, T.maxNotes()));
      maxAgents = positive("intuition.limits.max-agents",
          or(maxAgents, Ingester.Settings.DEFAULT.maxAgents()));
      maxAddressesPerAgent = positive("intuition.limits.max-addresses-per-agent",
          or(maxAddressesPerAgent, AddressBook.Limits.DEFAULT.maxAddressesPerAgent()));
      maxNoticesPerType = positive("intuition.limits.max-notices-per-type",
          or(maxNoticesPerType, NoticeDetector.Settings.DEFAULT.keep()));
    }
  }

  /** @param expiry an agent's inventory is forgotten this long after its last batch */
  public record Inventory(Duration expiry) {
    public Inventory {
      expiry = atLeast("intuition.inventory.expiry", or(expiry, AddressBook.DEFAULT_EXPIRY),
          Duration.ofSeconds(10));
    }
  }

  /** When notices are raised (README: Notices). */
  public record Notices(Duration warmUp, Duration showFor, Duration goneAfter, Integer minCalls,
      Double errorRate, Double latencyFactor) {
    static final NoticeDetector.Settings D = NoticeDetector.Settings.DEFAULT;

    public Notices {
      warmUp = atLeast("intuition.notices.warm-up", or(warmUp, D.warmUp()), Duration.ZERO);
      showFor = atLeast("intuition.notices.show-for", or(showFor, D.showFor()),
          Duration.ofSeconds(1));
      goneAfter = atLeast("intuition.notices.gone-after", or(goneAfter, D.goneAfter()),
          Duration.ofSeconds(1));
      minCalls = positive("intuition.notices.min-calls", or(minCalls, D.minCalls()));
      errorRate = or(errorRate, D.errorRate());
      if (!(errorRate > 0 && errorRate <= 1)) {
        throw new BadSettingException("intuition.notices.error-rate", errorRate
            + " is not a rate between 0 (exclusive) and 1");
      }
      latencyFactor = or(latencyFactor, D.latencyFactor());
      if (!(latencyFactor > 1)) {
        throw new BadSettingException("intuition.notices.latency-factor", latencyFactor
            + " must be more than 1");
      }
    }
  }

  /**
   * The ingest path.
   *
   * @param maxRequestBytes a larger request, as sent, is refused (413)
   * @param maxBodyBytes a larger decompressed body is refused (413)
   * @param maxInFlightBytes decompressed bytes of all batches being taken at once (then 503)
   * @param samplesPerSecond the cluster's sampled calls stored a second, shared by the agents; 0
   *     for no limit
   */
  public record Ingest(DataSize maxRequestBytes, DataSize maxBodyBytes,
      DataSize maxInFlightBytes, AgentClocks clock, Integer samplesPerSecond) {
    public Ingest {
      maxRequestBytes = atLeast("intuition.ingest.max-request-bytes",
          or(maxRequestBytes, DataSize.ofMegabytes(8)), DataSize.ofKilobytes(1));
      maxBodyBytes = atLeast("intuition.ingest.max-body-bytes",
          or(maxBodyBytes, DataSize.ofMegabytes(16)), DataSize.ofKilobytes(1));
      maxInFlightBytes = atLeast("intuition.ingest.max-in-flight-bytes",
          or(maxInFlightBytes, DataSize.ofMegabytes(64)), DataSize.ofKilobytes(1));
      clock = clock != null ? clock : new AgentClocks(null, null, null);
      samplesPerSecond = or(samplesPerSecond,
          dev.intuition.core.ingest.Ingester.Settings.SAMPLES_PER_SECOND);
      if (samplesPerSecond < 0) {
        throw new BadSettingException("intuition.ingest.samples-per-second", samplesPerSecond
            + " must be 0 (no limit) or a positive number of samples a second");
      }
    }
  }

  /**
   * How agents' clocks are judged.
   *
   * @param maxFuture calls ending later than this after the server's now are dropped
   * @param correct whether agents' calls are moved by their measured clock offset
   * @param noticeAbove an agent clock off by this much or more raises a notice
   */
  public record AgentClocks(Duration maxFuture, Boolean correct, Duration noticeAbove) {
    static final Ingester.Settings D = Ingester.Settings.DEFAULT;

    public AgentClocks {
      maxFuture = atLeast("intuition.ingest.clock.max-future", or(maxFuture, D.maxFuture()),
          Duration.ZERO);
      correct = or(correct, D.correctClocks());
      noticeAbove = atLeast("intuition.ingest.clock.notice-above",
          or(noticeAbove, D.clockNoticeAbove()), Duration.ofSeconds(1));
    }
  }

  /**
   * The live stream to browsers.
   *
   * @param window the graph each update shows
   * @param interval between updates
   * @param maxBehind updates a viewer may lag before it is closed (4000)
   * @param maxViewers viewers at once (then 1013)
   * @param allowedOrigins other origins whose pages may open the stream
   */
  public record Stream(Duration window, Duration interval, Integer maxBehind, Integer maxViewers,
      List<String> allowedOrigins) {
    public Stream {
      window = atLeast("intuition.stream.window", or(window, Duration.ofSeconds(60)),
          Duration.ofSeconds(1));
      interval = atLeast("intuition.stream.interval", or(interval, Duration.ofSeconds(1)),
          Duration.ofMillis(100));
      maxBehind = positive("intuition.stream.max-behind", or(maxBehind, 5));
      maxViewers = positive("intuition.stream.max-viewers", or(maxViewers, 1000));
      allowedOrigins = allowedOrigins == null ? List.of() : allowedOrigins.stream()
          .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
  }

  /** @param maxEdges edges with their own Prometheus series (the rest are one "(other)" series) */
  public record Metrics(Integer maxEdges) {
    public Metrics {
      maxEdges = positive("intuition.metrics.max-edges", or(maxEdges, 2000));
    }
  }

  /**
   * Where transactions and minutes are kept.
   *
   * @param type {@code memory} or {@code elasticsearch}
   * @param retention what is older is deleted; by default a day in memory, a week in Elasticsearch
   */
  public record Storage(String type, Duration retention, Memory memory,
      Elasticsearch elasticsearch) {
    public Storage {
      type = or(blankToNull(type), "memory").trim().toLowerCase(Locale.ROOT);
      if (!type.equals("memory") && !type.equals("elasticsearch")) {
        throw new BadSettingException("intuition.storage.type", "'" + type
            + "' is not a store: memory or elasticsearch");
      }
      retention = atLeast("intuition.storage.retention", or(retention, type.equals("memory")
          ? Duration.ofHours(24) : Duration.ofDays(7)), Duration.ofMinutes(10));
      memory = memory != null ? memory : new Memory(null, null, null);
      elasticsearch = elasticsearch != null ? elasticsearch
          : new Elasticsearch(null, null, null, null, null, null, null, null, null, null, null);
    }
  }

  /** The in-memory store. */
  public record Memory(Integer maxTransactions, DataSize maxBytes, DataSize maxRollupBytes) {
    public Memory {
      maxTransactions = positive("intuition.storage.memory.max-transactions",
          or(maxTransactions, InMemoryTransactionStore.DEFAULT_CAPACITY));
      maxBytes = atLeast("intuition.storage.memory.max-bytes", or(maxBytes,
          DataSize.ofBytes(InMemoryTransactionStore.DEFAULT_MAX_BYTES)), DataSize.ofMegabytes(1));
      maxRollupBytes = atLeast("intuition.storage.memory.max-rollup-bytes", or(maxRollupBytes,
          DataSize.ofBytes(InMemoryTransactionStore.DEFAULT_MAX_ROLLUP_BYTES)),
          DataSize.ofMegabytes(1));
    }
  }

  /** The Elasticsearch store (README: Storage). */
  public record Elasticsearch(String url, String username, String password, String apiKey,
      String indexPrefix, Integer shards, Integer replicas, Integer bufferDocuments,
      Integer bulkDocuments, Duration flushInterval, Duration maxBackoff) {
    static final ElasticsearchTransactionStore.Settings D =
        ElasticsearchTransactionStore.Settings.of("http://localhost:9200", "intuition");

    public Elasticsearch {
      url = or(blankToNull(url), D.url());
      username = blankToNull(username);
      password = blankToNull(password);
      apiKey = blankToNull(apiKey);
      indexPrefix = or(blankToNull(indexPrefix), D.prefix());
      if (!indexPrefix.matches("[a-z0-9][a-z0-9_-]*")) {
        throw new BadSettingException("intuition.storage.elasticsearch.index-prefix", "'"
            + indexPrefix + "' must be lowercase letters, digits, '-' or '_'");
      }
      shards = positive("intuition.storage.elasticsearch.shards", or(shards, D.shards()));
      replicas = atLeast("intuition.storage.elasticsearch.replicas", or(replicas, D.replicas()),
          0);
      bufferDocuments = positive("intuition.storage.elasticsearch.buffer-documents",
          or(bufferDocuments, D.bufferDocuments()));
      bulkDocuments = positive("intuition.storage.elasticsearch.bulk-documents",
          or(bulkDocuments, D.bulkDocuments()));
      flushInterval = atLeast("intuition.storage.elasticsearch.flush-interval",
          or(flushInterval, D.flushInterval()), Duration.ofMillis(10));
      maxBackoff = atLeast("intuition.storage.elasticsearch.max-backoff",
          or(maxBackoff, D.maxBackoff()), Duration.ofMillis(100));
    }
  }

  /**
   * Viewer authentication (README: Security).
   *
   * @param token the viewer token (INTUITION_VIEWER_TOKEN); unset, viewers need no login
   * @param trustedHeader a header set by an authenticating proxy, naming the user
   * @param trustedProxies the addresses (or CIDR blocks) whose trusted header is believed
   */
  public record Viewer(String token, String trustedHeader, List<String> trustedProxies) {
    public Viewer {
      token = blankToNull(token);
      trustedHeader = trustedHeader == null ? "" : trustedHeader.trim();
      trustedProxies = trustedProxies == null ? List.of("127.0.0.1", "::1") : trustedProxies
          .stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
  }

  static <T> T or(T value, T otherwise) {
    return value != null ? value : otherwise;
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  static Duration atLeast(String name, Duration value, Duration min) {
    if (value.compareTo(min) < 0) {
      throw new BadSettingException(name, value.toString().substring(2).toLowerCase(Locale.ROOT)
          + " is less than the least it can be, "
          + min.toString().substring(2).toLowerCase(Locale.ROOT));
    }
    return value;
  }

  static DataSize atLeast(String name, DataSize value, DataSize min) {
    if (value.toBytes() < min.toBytes()) {
      throw new BadSettingException(name, size(value) + " is less than the least it can be, "
          + size(min));
    }
    return value;
  }

  /** A size as people write it: 16MB, 512KB, 100B. */
  static String size(DataSize size) {
    long b = size.toBytes();
    return b % (1 << 30) == 0 && b > 0 ? (b >> 30) + "GB" : b % (1 << 20) == 0 && b > 0
        ? (b >> 20) + "MB" : b % 1024 == 0 && b > 0 ? (b >> 10) + "KB" : b + "B";
  }

  static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new BadSettingException(name, value + " is less than the least it can be, " + min);
    }
    return value;
  }

  static int positive(String name, int value) {
    return atLeast(name, value, 1);
  }
}
