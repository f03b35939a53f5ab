package dev.intuition.bench;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.wire.AgentIdentity;
import dev.intuition.wire.Batch;
import dev.intuition.wire.Container;
import dev.intuition.wire.Inventory;
import dev.intuition.wire.Sample;
import dev.intuition.wire.Summary;
import dev.intuition.wire.Wire;
import dev.intuition.wire.WireCodec;
import dev.intuition.wire.stats.CallStats;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A simulated cluster sending wire version 2 to one server, as its agents would: {@code agents}
 * hosts with {@code containersPerAgent} containers each, in {@code services} services linked by
 * {@code edges} service edges with {@code endpointsPerEdge} endpoints each, carrying
 * {@code requestsPerSecond} in all. Every second each agent posts one gzipped batch: for each of its
 * containers, as the serving side, one summary per calling service (the calls that second, a tenth
 * of them failing on one edge in twenty, latencies spread over four orders of magnitude), and a
 * sample at the default budgets, held to the agent's share of the cluster's sample budget (the
 * server's answers tell it); its inventory every five seconds; and once every 10 seconds, at a
 * second of its own as agents spread them, the endpoint summaries of the last complete 10 seconds
 * (one per container, calling service and endpoint). Agent 0 also reports a probe edge every
 * second, by which the freshness of the graph is measured.
 *
 * <p>Prints, at the end, one line of figures: {@code sent <req/s> <summaries/s> <samples/s>
 * <bytes/s> <late batches> <failed batches> <endpoint summaries/s>}. Bounded in time; used by scripts/bench-scale.sh.
 *
 * <pre>  java -cp benchmarks.jar dev.intuition.bench.ScaleLoad URL TOKEN SECONDS [AGENTS]
 *      [CONTAINERS_PER_AGENT] [SERVICES] [EDGES] [REQUESTS_PER_SECOND] [ENDPOINTS_PER_EDGE]
 *      [THREADS]</pre>
 */
public final class ScaleLoad {
  private ScaleLoad() {}

  /** A summary an agent makes every second: who calls which container. */
  record Key(String clientService, int serverContainer, int edge) {}

  public static void main(String[] args) throws Exception {
    URI ingest = URI.create(args[0] + Wire.PATH);
    String token = args[1];
    int seconds = Integer.parseInt(args[2]);
    int agents = arg(args, 3, 800);
    int perAgent = arg(args, 4, 20);
    int services = arg(args, 5, 350);
    int edgeCount = arg(args, 6, 3500);
    long rps = arg(args, 7, 1_600_000);
    int endpoints = arg(args, 8, 3);
    int threads = arg(args, 9, 4);
    int containers = agents * perAgent;
    SplittableRandom random = new SplittableRandom(7);

    // Services linked by edges; each service's containers spread over the hosts.
    List<int[]> edges = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    while (edges.size() < edgeCount) {
      int a = random.nextInt(services);
      int b = random.nextInt(services);
      if (a != b && seen.add((long) a * services + b)) {
        edges.add(new int[] {a, b});
      }
    }
    List<List<Integer>> edgesInto = new ArrayList<>();
    for (int s = 0; s < services; s++) {
      edgesInto.add(new ArrayList<>());
    }
    for (int e = 0; e < edges.size(); e++) {
      edgesInto.get(edges.get(e)[1]).add(e);
    }
    int[] containersOf = new int[services];
    for (int c = 0; c < containers; c++) {
      containersOf[c % services]++;
    }
    // Per agent: its summaries' keys and its inventory.
    List<List<Key>> keys = new ArrayList<>();
    List<Inventory> inventories = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (int a = 0; a < agents; a++) {
      List<Key> mine = new ArrayList<>();
      List<Container> listed = new ArrayList<>();
      for (int k = 0; k < perAgent; k++) {
        int c = a * perAgent + k;
        int service = c % services;
        listed.add(new Container("c" + c, name(service) + "." + c, "bench", name(service),
            name(service) + "." + c, "stack-" + service / 30, Map.of("net", ip(c)), null,
            Map.of(), false));
        for (int e : edgesInto.get(service)) {
          mine.add(new Key(name(edges.get(e)[0]), c, e));
          rates.add((double) rps / edgeCount / containersOf[service]);
        }
      }
      keys.add(mine);
      inventories.add(new Inventory(listed, List.of()));
    }
    double[] rateOf = rates.stream().mapToDouble(Double::doubleValue).toArray();
    int totalKeys = rateOf.length;
    System.err.printf(Locale.ROOT, "scale load: %,d agents, %,d containers, %,d services, %,d "
        + "edges, %,d summaries a second and %,d endpoint summaries every 10 s for %,d "
        + "requests/s%n", agents, containers, services, edgeCount, totalKeys,
        (long) totalKeys * endpoints, rps);

    AtomicLong calls = new AtomicLong();
    AtomicLong summaries = new AtomicLong();
    AtomicLong endpointSummaries = new AtomicLong();
    AtomicLong samples = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong late = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long startSecond = Instant.now().getEpochSecond() + 1;
    int[] offsets = new int[agents + 1];
    for (int a = 0; a < agents; a++) {
      offsets[a + 1] = offsets[a] + keys.get(a).size();
    }
    final double[] perKey = rateOf;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      workers.add(Thread.ofPlatform().name("agents-" + t).start(() -> {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        SplittableRandom r = new SplittableRandom(1000 + id);
        long[] sequence = new long[agents];
        double[] share = new double[agents];
        double[] tokens = new double[agents];
        for (int s = 0; s < seconds; s++) {
          long interval = startSecond + s - 1; // the second that just ended
          long due = (interval + 1) * 1000 + 500; // an agent's grace after the second
          sleepUntil(due);
          for (int a = id; a < agents; a += threads) {
            if (System.currentTimeMillis() > due + 1000) {
              late.incrementAndGet(); // this generator cannot keep up: counted, still sent
            }
            List<Summary> out = new ArrayList<>();
            List<Sample> kept = new ArrayList<>();
            long n = 0;
            List<Key> mine = keys.get(a);
            for (int k = 0; k < mine.size(); k++) {
              Key key = mine.get(k);
              double rate = perKey[offsets[a] + k];
              int count = (int) rate + (r.nextDouble() < rate - (int) rate ? 1 : 0);
              if (count == 0) {
                continue;
              }
              CallStats stats = stats(r, count, key.edge() % 20 == 0 ? 0.1 : 0.002);
              n += count;
              int c = key.serverContainer();
              int service = c % services;
              out.add(new Summary(interval, 1, Protocol.HTTP, "server",
                  new Summary.Side(null, null, key.clientService()),
                  new Summary.Side(ip(c), name(service) + "." + c, name(service)), null, null,
                  stats, 0, 0));
            }
            // The endpoints of the last complete 10 seconds, at this agent's second of ten.
            List<Summary> perEndpoint = new ArrayList<>();
            if (Math.floorMod(interval, 10) == a % 5) {
              long window = Math.floorDiv(interval, 10) * 10 - 10;
              for (int k = 0; k < mine.size(); k++) {
                Key key = mine.get(k);
                double rate = perKey[offsets[a] + k] * 10 / endpoints;
                int c = key.serverContainer();
                int service = c % services;
                for (int p = 0; p < endpoints; p++) {
                  int count = (int) rate + (r.nextDouble() < rate - (int) rate ? 1 : 0);
                  if (count > 0) {
                    perEndpoint.add(new Summary(window, 10, Protocol.HTTP, "server",
                        new Summary.Side(null, null, key.clientService()),
                        new Summary.Side(ip(c), name(service) + "." + c, name(service)), null,
                        "GET /api/e" + key.edge() % 100 + "/p" + p + "/{id}",
                        stats(r, count, key.edge() % 20 == 0 ? 0.1 : 0.002), 0, 0));
                  }
                }
              }
            }
            if (a == 0) {
              CallStats probe = new CallStats();
              probe.add(SampleCalls.call(Instant.ofEpochSecond(interval, 500_000_000L), 1000,
                  Outcome.OK, "probe-client", "probe-server", "GET", "/probe"));
              out.add(new Summary(interval, 1, Protocol.HTTP, "server",
                  new Summary.Side(null, null, "probe-client"),
                  new Summary.Side("10.255.255.1", "probe-server.1", "probe-server"), null,
                  "GET /probe", probe, 0, 0));
            }
            // A sample at the default budgets (about 8 calls per edge and second, 100 per
            // container), held to the agent's share of the cluster's budget as the server's
            // answers tell it, as an agent does.
            int budget = Math.min(100, out.size() * 2);
            if (share[a] > 0) {
              tokens[a] = Math.min(Math.max(1, share[a] * 5), tokens[a] + share[a]);
              budget = (int) Math.min(budget, Math.floor(tokens[a]));
              tokens[a] -= budget;
            }
            for (int i = 0; i < budget && !out.isEmpty(); i++) {
              Summary x = out.get(r.nextInt(out.size()));
              kept.add(new Sample(SampleCalls.call(Instant.ofEpochSecond(interval, 1000L * i),
                  100 + r.nextInt(100_000), x.stats().error() > 0 ? Outcome.ERROR : Outcome.OK,
                  x.client().service(), x.server().service(), "GET", "/api/x/" + i),
                  Math.max(1, x.stats().count())));
            }
            Batch batch = new Batch(Wire.VERSION, new AgentIdentity("agent-" + a, "host-" + a,
                "bench"), "run-" + a, ++sequence[a], Instant.now(), List.of(),
                s % 5 == 0 ? inventories.get(a) : null, null, out, perEndpoint, kept);
            byte[] body = gzip(batch);
            try {
              HttpResponse<String> resp = http.send(HttpRequest.newBuilder(ingest)
                  .header(Wire.AUTHORIZATION_HEADER, Wire.BEARER + token)
                  .header("Content-Encoding", "gzip")
                  .header(Wire.VERSION_HEADER, Integer.toString(Wire.VERSION))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (resp.statusCode() == 202) {
                share[a] = WireCodec.readAnswer(resp.body()).samplesPerSecond();
                calls.addAndGet(n);
                summaries.addAndGet(out.size());
                endpointSummaries.addAndGet(perEndpoint.size());
                samples.addAndGet(kept.size());
                bytes.addAndGet(body.length);
              } else {
                failed.incrementAndGet();
              }
            } catch (Exception e) {
              failed.incrementAndGet();
            }
          }
        }
      }));
    }
    for (Thread w : workers) {
      w.join();
    }
    double secs = seconds;
    System.out.printf(Locale.ROOT, "sent %.0f %.0f %.0f %.0f %d %d %.0f%n", calls.get() / secs,
        summaries.get() / secs, samples.get() / secs, bytes.get() / secs, late.get(),
        failed.get(), endpointSummaries.get() / secs);
  }

  /** The statistics of {@code count} calls, {@code errorShare} of them failing. */
  static CallStats stats(SplittableRandom r, int count, double errorShare) {
    long ok = 0;
    long error = 0;
    CallStats s = new CallStats();
    for (int i = 0; i < count; i++) {
      s.recordMicros((long) Math.pow(10, 2 + r.nextDouble() * 4));
      if (r.nextDouble() < errorShare) {
        error++;
      } else {
        ok++;
      }
    }
    return CallStats.of(ok, 0, error, 300L * count, 1200L * count, s.encodedLatency());
  }

  static byte[] gzip(Batch batch) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      WireCodec.write(batch, gz);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  static void sleepUntil(long epochMillis) {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait > 0) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static String name(int service) {
    return String.format(Locale.ROOT, "svc-%03d", service);
  }

  static String ip(int container) {
    return "10." + (64 + container / 65536) + "." + (container / 256 % 256) + "."
        + (container % 256);
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }

  /** Transactions for samples. */
  static final class SampleCalls {
    private SampleCalls() {}

    static dev.intuition.decoder.Transaction call(Instant end, long micros, Outcome o,
        String client, String server, String method, String path) {
      return new dev.intuition.decoder.Transaction(Protocol.HTTP,
          new dev.intuition.decoder.Endpoint("10.1.0.1", 40000),
          new dev.intuition.decoder.Endpoint("10.1.0.2", 80), end.minusNanos(micros * 1000), end,
          micros, method, path, method + " " + path, o == Outcome.OK ? "200" : "503", o, 300, 1200,
          null, null, null, null, List.of(), null, null, client, server, "server");
    }
  }
}
