package dev.intuition.server.storage;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intuition.wire.stats.CallStats;
import dev.intuition.core.graph.EndpointNames;
import dev.intuition.core.graph.Rollup;
import dev.intuition.core.storage.StoreUnavailableException;
import dev.intuition.core.storage.TransactionQuery;
import dev.intuition.core.storage.TransactionStore;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.Json;
import dev.intuition.wire.Backoff;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Elasticsearch store. Transactions go to one index per day ({@code PREFIX-transactions-yyyy.MM.dd})
 * and per-minute graph statistics to {@code PREFIX-rollups-yyyy.MM.dd}; index templates are put before
 * the first write. Writes never block ingest: documents wait in a bounded buffer that one writer
 * thread sends in bulk requests, retrying with backoff while Elasticsearch is away. When the buffer is
 * full, new documents are dropped and counted as lost; documents refused for good (a mapping error)
 * are counted as lost too. Each document has an id fixed before its first attempt, so a retried bulk
 * request does not duplicate it. Retention deletes whole daily indices. Reads go straight to
 * Elasticsearch and fail with {@link StoreUnavailableException} while it is away.
 */
public final class ElasticsearchTransactionStore implements TransactionStore {
  private static final Logger log = LoggerFactory.getLogger(ElasticsearchTransactionStore.class);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd")
      .withZone(ZoneOffset.UTC);
  private static final int ROLLUP_PAGE = 5000;

  /**
   * @param url e.g. {@code http://elasticsearch:9200}; several may be given, comma-separated
   * @param username with {@code password}, for basic authentication (null for none)
   * @param apiKey an encoded API key (null for none)
   * @param prefix of index and template names
   * @param retention how long indices are kept (whole days)
   * @param bufferDocuments the write buffer's capacity, in documents
   * @param bulkDocuments the most documents in one bulk request
   * @param flushInterval the longest a document waits before its bulk request is sent
   * @param maxBackoff the longest wait between two attempts while Elasticsearch is away
   */
  public record Settings(String url, String username, String password, String apiKey,
      String prefix, Duration retention, int shards, int replicas, int bufferDocuments,
      int bulkDocuments, Duration flushInterval, Duration maxBackoff) {
    public Settings {
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException("the Elasticsearch URL is not set "
            + "(intuition.storage.elasticsearch.url)");
      }
      if (prefix == null || !prefix.matches("[a-z0-9][a-z0-9_-]*")) {
        throw new IllegalArgumentException("the index prefix must be lowercase letters, digits, "
            + "'-' or '_', got '" + prefix + "'");
      }
      if (bufferDocuments < 1 || bulkDocuments < 1) {
        throw new IllegalArgumentException("buffer and bulk sizes must be positive");
      }
    }

    public static Settings of(String url, String prefix) {
      return new Settings(url, null, null, null, prefix, Duration.ofDays(7), 1, 0, 50_000, 2_000,
          Duration.ofSeconds(1), Duration.ofSeconds(10));
    }
  }

  /** A document waiting to be written. */
  private record Doc(String index, String id, ObjectNode source) {}

  private final Settings settings;
  private final RestClient rest;
  private final ElasticsearchClient client;
  private final ObjectMapper json = Json.mapper();
  private final BlockingQueue<Doc> buffer;
  private final Thread writer;
  private final String idPrefix = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  /** Documents accepted and not yet written or lost: the buffer's bound applies to these. */
  private final AtomicLong held = new AtomicLong();
  private volatile boolean up = true;
  private volatile boolean templatesPut;
  private volatile boolean closing;
  private volatile String lastError;

  public ElasticsearchTransactionStore(Settings settings) {
    this.settings = settings;
    List<HttpHost> hosts = new ArrayList<>();
    for (String u : settings.url().split(",")) {
      hosts.add(HttpHost.create(u.trim()));
    }
    var builder = RestClient.builder(hosts.toArray(HttpHost[]::new))
        .setRequestConfigCallback(c -> c.setConnectTimeout(2_000).setSocketTimeout(30_000));
    List<Header> headers = new ArrayList<>();
    if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
      headers.add(new BasicHeader("Authorization", "ApiKey " + settings.apiKey().trim()));
    } else if (settings.username() != null && !settings.username().isBlank()) {
      String basic = Base64.getEncoder().encodeToString((settings.username() + ":"
          + (settings.password() == null ? "" : settings.password()))
          .getBytes(StandardCharsets.UTF_8));
      headers.add(new BasicHeader("Authorization", "Basic " + basic));
    }
    builder.setDefaultHeaders(headers.toArray(Header[]::new));
    this.rest = builder.build();
    this.client = new ElasticsearchClient(new RestClientTransport(rest,
        new JacksonJsonpMapper(json)));
    this.buffer = new LinkedBlockingQueue<>();
    this.writer = Thread.ofPlatform().name("elasticsearch-writer").daemon().unstarted(this::write);
    writer.start();
  }

  // ---- writing ----

  @Override
  public void add(List<Transaction> batch) {
    for (Transaction t : batch) {
      Instant at = TransactionQuery.time(t);
      ObjectNode doc = json.valueToTree(t);
      doc.put("time", at.toString());
      doc.put("clientName", EndpointNames.client(t));
      doc.put("serverName", EndpointNames.server(t));
      doc.put("endpoint", dev.intuition.decoder.endpoint.Endpoints.of(t));
      enqueue(new Doc(index("transactions", at), transactionId(t), doc));
    }
  }

  @Override
  public void addRollup(Rollup rollup) {
    String index = index("rollups", rollup.start());
    for (Rollup.EdgeStats e : rollup.edges()) {
      ObjectNode doc = statsDoc(rollup.start(), "edge", e.stats());
      doc.put("client", e.client());
      doc.put("server", e.server());
      doc.put("protocol", e.protocol());
      doc.put("external", e.external());
      enqueue(new Doc(index, doc.get("docId").asText(), doc));
    }
    for (Rollup.NodeStats n : rollup.nodes()) {
      ObjectNode doc = statsDoc(rollup.start(), "node", n.stats());
      doc.put("service", n.service());
      if (n.container() != null) {
        doc.put("container", n.container());
      }
      enqueue(new Doc(index, doc.get("docId").asText(), doc));
    }
  }

  private ObjectNode statsDoc(Instant start, String kind, CallStats s) {
    ObjectNode doc = json.createObjectNode();
    doc.put("docId", nextId());
    doc.put("start", start.toString());
    doc.put("kind", kind);
    doc.put("ok", s.ok());
    doc.put("warning", s.warning());
    doc.put("error", s.error());
    doc.put("requestBytes", s.requestBytes());
    doc.put("responseBytes", s.responseBytes());
    doc.put("latency", Base64.getEncoder().encodeToString(s.encodedLatency()));
    return doc;
  }

  /**
   * A transaction's id, from its content (SHA-256 of its JSON, 128 bits, base64url): the same call
   * written again, by a retry or by a second server replica that received the same sample, is the
   * same document, never a second one.
   */
  static String transactionId(Transaction t) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(
          dev.intuition.decoder.json.TransactionJson.toJson(t)
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "t" + Base64.getUrlEncoder().withoutPadding().encodeToString(
          java.util.Arrays.copyOf(digest, 16));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private String nextId() {
    return idPrefix + "-" + Long.toString(sequence.incrementAndGet(), 36);
  }

  private String index(String kind, Instant at) {
    return settings.prefix() + "-" + kind + "-" + DAY.format(at);
  }

  private void enqueue(Doc doc) {
    enqueued.incrementAndGet();
    if (closing || held.incrementAndGet() > settings.bufferDocuments()) {
      held.decrementAndGet();
      lost.incrementAndGet();
      return;
    }
    buffer.add(doc);
  }

  /** The writer thread: bulk requests from the buffer, retried with backoff until written. */
  private void write() {
    List<Doc> batch = new ArrayList<>(settings.bulkDocuments());
    while (!closing || !buffer.isEmpty()) {
      try {
        Doc first = buffer.poll(settings.flushInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + settings.flushInterval().toNanos();
        while (batch.size() < settings.bulkDocuments() && System.nanoTime() < deadline) {
          Doc next = buffer.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        send(batch);
      } catch (InterruptedException e) {
        if (!closing) {
          Thread.currentThread().interrupt();
          return;
        }
      } catch (RuntimeException e) {
        lastError = "writer: " + e;
        log.error("Elasticsearch writer failed; {} documents lost", batch.size(), e);
        lose(batch.size());
      } finally {
        batch.clear();
      }
    }
  }

  /** Sends until every document is written or refused for good; only closing gives up. */
  private void send(List<Doc> batch) throws InterruptedException {
    List<Doc> pending = new ArrayList<>(batch);
    Backoff backoff = new Backoff(Duration.ofMillis(100), settings.maxBackoff());
    while (!pending.isEmpty()) {
      try {
        putTemplates();
        BulkRequest.Builder request = new BulkRequest.Builder();
        for (Doc d : pending) {
          request.operations(op -> op.index(i -> i.index(d.index()).id(d.id()).document(d.source())));
        }
        BulkResponse response = client.bulk(request.build());
        List<Doc> again = new ArrayList<>();
        List<BulkResponseItem> items = response.items();
        for (int i = 0; i < items.size(); i++) {
          BulkResponseItem item = items.get(i);
          if (item.error() == null) {
            written.incrementAndGet();
            held.decrementAndGet();
          } else if (item.status() == 429 || item.status() >= 500) {
            again.add(pending.get(i));
          } else {
            lose(1);
            lastError = "document refused: " + item.error().reason();
          }
        }
        if (!up) {
          log.warn("Elasticsearch is reachable again; writing resumes ({} documents lost so far)",
              lost.get());
        }
        up = true;
        if (again.isEmpty()) {
          return;
        }
        pending = again;
      } catch (IOException | RuntimeException e) {
        if (up) {
          log.warn("Elasticsearch is unreachable ({}); buffering up to {} documents and retrying",
              e.toString(), settings.bufferDocuments());
        }
        up = false;
        lastError = e.toString();
      }
      retries.incrementAndGet();
      if (closing) {
        lose(pending.size());
        return;
      }
      backoff.await();
    }
  }

  /** Documents taken from the buffer that will never be written. */
  private void lose(long documents) {
    lost.addAndGet(documents);
    held.addAndGet(-documents);
  }

  private void putTemplates() throws IOException {
    if (templatesPut) {
      return;
    }
    for (String kind : List.of("transactions", "rollups")) {
      String body = resource("/elasticsearch/" + kind + "-template.json")
          .replace("${prefix}", settings.prefix())
          .replace("${shards}", Integer.toString(settings.shards()))
          .replace("${replicas}", Integer.toString(settings.replicas()));
      client.indices().putIndexTemplate(r -> r.name(settings.prefix() + "-" + kind)
          .withJson(new StringReader(body)));
    }
    templatesPut = true;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ElasticsearchTransactionStore.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException(name + " is missing from the server's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public void flush() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (held.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    try {
      client.indices().refresh(r -> r.index(settings.prefix() + "-*")
          .ignoreUnavailable(true).allowNoIndices(true));
    } catch (IOException | RuntimeException e) {
      lastError = e.toString();
    }
  }

  // ---- reading ----

  @Override
  public List<Transaction> find(TransactionQuery q) {
    List<Query> filters = new ArrayList<>();
    term(filters, "clientName", q.clientService());
    term(filters, "serverName", q.serverService());
    term(filters, "endpoint", q.endpoint());
    term(filters, "protocol", q.protocol() == null ? null : q.protocol().wireName());
    term(filters, "outcome", q.outcome() == null ? null : q.outcome().wireName());
    if (q.minDurationMicros() != null) {
      filters.add(Query.of(b -> b.range(r -> r.number(n -> n.field("durationMicros")
          .gte((double) q.minDurationMicros())))));
    }
    if (q.from() != null || q.to() != null) {
      filters.add(Query.of(b -> b.range(r -> r.date(d -> {
        d.field("time");
        if (q.from() != null) {
          d.gte(q.from().toString());
        }
        if (q.to() != null) {
          d.lt(q.to().toString());
        }
        return d;
      }))));
    }
    try {
      SearchResponse<ObjectNode> response = client.search(s -> s
          .index(settings.prefix() + "-transactions-*")
          .ignoreUnavailable(true).allowNoIndices(true)
          .size(q.limit())
          .sort(q.slowestFirst() ? List.of(
              SortOptions.of(o -> o.field(f -> f.field("durationMicros").order(SortOrder.Desc)
                  .missing("_last"))),
              SortOptions.of(o -> o.field(f -> f.field("time").order(SortOrder.Desc))))
              : List.of(SortOptions.of(o -> o.field(f -> f.field("time").order(SortOrder.Desc)))))
          .query(b -> b.bool(x -> x.filter(filters))), ObjectNode.class);
      List<Transaction> out = new ArrayList<>(response.hits().hits().size());
      for (Hit<ObjectNode> hit : response.hits().hits()) {
        out.add(json.treeToValue(hit.source(), Transaction.class));
      }
      up = true;
      return out;
    } catch (IOException | RuntimeException e) {
      throw unavailable(e);
    }
  }

  private static void term(List<Query> filters, String field, String value) {
    if (value != null) {
      filters.add(Query.of(b -> b.term(t -> t.field(field).value(FieldValue.of(value)))));
    }
  }

  @Override
  public Instant oldest() {
    try {
      SearchResponse<ObjectNode> response = client.search(s -> s
          .index(settings.prefix() + "-rollups-*")
          .ignoreUnavailable(true).allowNoIndices(true)
          .size(1)
          .source(src -> src.filter(f -> f.includes("start")))
          .sort(o -> o.field(f -> f.field("start").order(SortOrder.Asc))), ObjectNode.class);
      up = true;
      List<Hit<ObjectNode>> hits = response.hits().hits();
      return hits.isEmpty() ? null : Instant.parse(hits.get(0).source().get("start").asText());
    } catch (IOException | RuntimeException e) {
      throw unavailable(e);
    }
  }

  @Override
  public Duration retention() {
    return settings.retention();
  }

  @Override
  public List<Rollup> rollups(Instant from, Instant to) {
    Map<Instant, List<Rollup.EdgeStats>> edges = new LinkedHashMap<>();
    Map<Instant, List<Rollup.NodeStats>> nodes = new LinkedHashMap<>();
    List<FieldValue> after = null;
    try {
      while (true) {
        List<FieldValue> searchAfter = after;
        SearchResponse<ObjectNode> response = client.search(s -> {
          s.index(settings.prefix() + "-rollups-*")
              .ignoreUnavailable(true).allowNoIndices(true)
              .size(ROLLUP_PAGE)
              .sort(o -> o.field(f -> f.field("start").order(SortOrder.Asc)))
              .sort(o -> o.field(f -> f.field("docId").order(SortOrder.Asc)))
              .query(b -> b.range(r -> r.date(d -> d.field("start").gte(from.toString())
                  .lt(to.toString()))));
          if (searchAfter != null) {
            s.searchAfter(searchAfter);
          }
          return s;
        }, ObjectNode.class);
        List<Hit<ObjectNode>> hits = response.hits().hits();
        for (Hit<ObjectNode> hit : hits) {
          JsonNode d = hit.source();
          Instant start = Instant.parse(d.get("start").asText());
          CallStats stats = CallStats.of(d.path("ok").asLong(), d.path("warning").asLong(),
              d.path("error").asLong(), d.path("requestBytes").asLong(),
              d.path("responseBytes").asLong(),
              Base64.getDecoder().decode(d.path("latency").asText("")));
          edges.computeIfAbsent(start, k -> new ArrayList<>());
          nodes.computeIfAbsent(start, k -> new ArrayList<>());
          if ("edge".equals(d.path("kind").asText())) {
            edges.get(start).add(new Rollup.EdgeStats(d.path("client").asText(),
                d.path("server").asText(), d.path("protocol").asText(),
                d.path("external").asBoolean(), stats));
          } else {
            nodes.get(start).add(new Rollup.NodeStats(d.path("service").asText(),
                d.hasNonNull("container") ? d.get("container").asText() : null, stats));
          }
        }
        if (hits.size() < ROLLUP_PAGE) {
          break;
        }
        after = hits.get(hits.size() - 1).sort();
      }
      up = true;
    } catch (IOException | RuntimeException e) {
      throw unavailable(e);
    }
    List<Rollup> out = new ArrayList<>();
    edges.forEach((start, e) -> out.add(new Rollup(start, e, nodes.get(start))));
    return out;
  }

  private StoreUnavailableException unavailable(Exception e) {
    up = false;
    lastError = e.toString();
    return new StoreUnavailableException("Elasticsearch cannot be read: " + e.getMessage(), e);
  }

  // ---- retention, status, shutdown ----

  @Override
  public void expire(Instant now) {
    LocalDate oldestKept = now.minus(settings.retention()).atZone(ZoneOffset.UTC).toLocalDate();
    try {
      var indices = client.indices().get(g -> g.index(settings.prefix() + "-*")
          .ignoreUnavailable(true).allowNoIndices(true)).result().keySet();
      List<String> old = new ArrayList<>();
      for (String name : indices) {
        int dash = name.lastIndexOf('-');
        try {
          LocalDate day = LocalDate.parse(name.substring(dash + 1), DAY);
          if (day.isBefore(oldestKept)) {
            old.add(name);
          }
        } catch (DateTimeParseException e) {
          // not one of ours
        }
      }
      if (!old.isEmpty()) {
        client.indices().delete(d -> d.index(old));
        log.info("retention: deleted {}", old);
      }
    } catch (IOException | RuntimeException e) {
      lastError = "retention: " + e;
    }
  }

  @Override
  public StoreStatus status() {
    return new StoreStatus("elasticsearch", up, -1, written.get(), held.get(), lost.get(),
        retries.get(), lastError);
  }

  /** Documents accepted for writing so far (written + pending + lost). */
  public long enqueued() {
    return enqueued.get();
  }

  @Override
  public void close() {
    closing = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(15));
      if (writer.isAlive()) {
        writer.interrupt();
        writer.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long left = held.getAndSet(0);
    buffer.clear();
    lost.addAndGet(left);
    try {
      rest.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
