package dev.intuition.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.Inventory;
import dev.intuition.agent.inventory.ServiceNaming;
import dev.intuition.wire.Backoff;
import dev.intuition.wire.SwarmService;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Follows the Docker Engine API: lists the running containers, then their events (start, die, rename,
 * network connect and disconnect), and on a Swarm manager the services with their virtual IPs. Each
 * change produces a new {@link Inventory}. When dockerd goes away the stream breaks; discovery says
 * so, reconnects with backoff (0.25 s doubling to 5 s, with jitter), says so again, and lists
 * everything again, so nothing is missed. The event stream itself has no read timeout (a quiet host
 * sends no events for hours); a listing every 30 s finds a daemon that stopped answering.
 *
 * <p>Containers are named even when they live only briefly: a container that exits keeps naming its
 * addresses for {@link #EXITED_RETENTION} (its last calls are still being decoded), a container found
 * already exited when its start event is handled is kept the same way, and {@link #requestSync} lets
 * the agent ask for a quick listing when a call comes from an address nobody knows yet (a container
 * that started a moment ago), answered within {@link #SYNC_INTERVAL}. The only class that imports
 * docker-java. The endpoint is DOCKER_HOST or the default socket.
 */
public final class DockerDiscovery implements Closeable {
  /**
   * The events that may change what is captured or how it is named. A short-lived container is best
   * caught early: it is inspected at each of attach, network connect and start, whichever finds it
   * running with its addresses first (events are read in bursts, some time after they happen).
   */
  private static final Set<String> RELEVANT = Set.of("attach", "start", "die", "stop", "kill",
      "destroy", "rename", "connect", "disconnect", "pause", "unpause", "update");
  private static final Duration RESYNC = Duration.ofSeconds(30);
  /** How long an exited container still names its addresses. */
  public static final Duration EXITED_RETENTION = Duration.ofMinutes(2);
  /** Quick listings asked for by {@link #requestSync} are at most this frequent. */
  static final Duration SYNC_INTERVAL = Duration.ofMillis(500);

  private record Exited(ContainerInfo info, long atNanos) {}

  private final DefaultDockerClientConfig config;
  private volatile DockerClient client;
  private volatile DockerClient eventsClient;
  private final String endpoint;
  private final Predicate<ContainerInfo> watched;
  private final Consumer<Inventory> listener;
  private final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
  private final Map<String, Exited> exited = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong syncsRequested =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long syncsDone;
  private volatile Consumer<String> log = System.err::println;
  private volatile List<SwarmService> services = List.of();
  private volatile boolean running = true;
  private volatile ResultCallback.Adapter<Event> events;
  private volatile String lastError;
  private volatile long eventFailures;
  private volatile String streamEnd;
  private volatile String lastEventFailure;
  private Thread thread;

  /**
   * @param dockerHost e.g. {@code unix:///var/run/docker.sock}; null for DOCKER_HOST or the default
   * @param watched which containers to capture (label filters); the others are left out
   * @param listener called with a new inventory after every change, on the discovery thread
   */
  public DockerDiscovery(String dockerHost, Predicate<ContainerInfo> watched,
      Consumer<Inventory> listener) {
    DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig
        .createDefaultConfigBuilder();
    if (dockerHost != null) {
      config.withDockerHost(dockerHost);
    }
    this.config = config.build();
    this.endpoint = this.config.getDockerHost().toString();
    this.watched = watched;
    this.listener = listener;
  }

  public String endpoint() {
    return endpoint;
  }

  /** Null while connected; otherwise why the last attempt failed. */
  public String lastError() {
    return lastError;
  }

  public DockerDiscovery start() {
    thread = Thread.ofPlatform().name("docker-discovery").daemon().start(this::run);
    return this;
  }

  /** Where discovery says that it lost or found Docker again (stderr by default). */
  public DockerDiscovery log(Consumer<String> log) {
    this.log = log;
    return this;
  }

  /**
   * Asks for a quick listing of the running containers (coalesced; at most every
   * {@link #SYNC_INTERVAL}): returns the number that {@link #syncsDone} reaches once a listing that
   * started after this call has been published.
   */
  public long requestSync() {
    return syncsRequested.incrementAndGet();
  }

  /** Events that could not be followed (each put right by a listing), and the last of them. */
  public String eventFailures() {
    return eventFailures == 0 ? null : eventFailures + " (last: " + lastEventFailure + ")";
  }

  /** The requests answered so far: a listing published after them all. */
  public long syncsDone() {
    return syncsDone;
  }

  private void run() {
    Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5));
    long lostAt = 0;
    boolean everConnected = false;
    while (running) {
      try {
        connect();
        // Our own latch: docker-java's awaitCompletion(timeout) closes the stream when it returns,
        // even on a timeout, so polling it ended the stream once per poll.
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Event e) {
            try {
              onEvent(e);
            } catch (RuntimeException failure) {
              // One event that cannot be followed (a container gone between event and inspect, an
              // odd attribute) must not end the stream: that would be a reconnection per event.
              // The next listing puts right whatever it missed.
              eventFailures++;
              lastEventFailure = e.getAction() + " " + e.getId() + ": " + failure;
              syncsRequested.incrementAndGet();
            }
          }

          @Override
          public void onError(Throwable t) {
            streamEnd = t.toString();
            super.onError(t);
            ended.countDown();
          }

          @Override
          public void onComplete() {
            streamEnd = "the daemon ended it";
            super.onComplete();
            ended.countDown();
          }
        };
        // Subscribe first, then list: an event between the two is not lost, just applied twice.
        eventsClient.eventsCmd().withEventTypeFilter(EventType.CONTAINER, EventType.NETWORK)
            .exec(callback);
        events = callback;
        sync(true);
        if (lostAt != 0) {
          log.accept(String.format(java.util.Locale.ROOT,
              "docker: reconnected to the Docker API at %s after %.1f s", endpoint,
              (System.nanoTime() - lostAt) / 1e9));
        } else if (everConnected) {
          log.accept("docker: the Docker event stream at " + endpoint + " ended (" + streamEnd
              + "); reconnected");
        }
        everConnected = true;
        lostAt = 0;
        lastError = null;
        backoff.reset();
        long nextResync = System.nanoTime() + RESYNC.toNanos();
        long nextQuick = 0;
        while (running) {
          if (ended.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            break; // the stream ended: reconnect at once, and find out below whether Docker is there
          }
          long now = System.nanoTime();
          if (now > nextResync) {
            sync(true); // catches anything an event did not say (and Swarm service changes)
            nextResync = now + RESYNC.toNanos();
          } else if (syncsRequested.get() > syncsDone && now >= nextQuick) {
            sync(false);
            nextQuick = now + SYNC_INTERVAL.toNanos();
          }
          pruneExited(false);
        }
        closeEvents();
        if (running) {
          client.pingCmd().exec(); // the stream ended, but is Docker there? (throws if not)
        }
      } catch (Throwable e) { // whatever happens, discovery must go on: it is how the agent recovers
        if (!running) {
          break;
        }
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        lastError = "Docker API at " + endpoint + ": " + reason;
        if (lostAt == 0) {
          lostAt = System.nanoTime();
          log.accept("docker: lost the Docker API at " + endpoint + " (" + reason
              + "); retrying");
        }
        try {
          closeEvents();
          pruneExited(true);
        } catch (RuntimeException cleanup) {
          lastError += " (and while cleaning up: " + cleanup + ")";
        }
        syncsDone = syncsRequested.get(); // nobody waits on a listing that cannot come
        sleep(backoff.nextDelayMillis());
      }
    }
  }

  /**
   * New clients for every connection: after dockerd restarts, connections pooled to the old socket
   * are worthless. The event stream is one long response, so its client has no response timeout.
   */
  private void connect() throws IOException {
    disconnect();
    client = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost()).connectionTimeout(Duration.ofSeconds(5))
        .responseTimeout(Duration.ofSeconds(30)).build());
    eventsClient = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost()).connectionTimeout(Duration.ofSeconds(5)).build());
  }

  private void disconnect() throws IOException {
    if (client != null) {
      client.close();
      client = null;
    }
    if (eventsClient != null) {
      eventsClient.close();
      eventsClient = null;
    }
  }

  /**
   * Forgets exited containers after {@link #EXITED_RETENTION}; and while Docker cannot be asked
   * ({@code dockerGone}), drops the running containers whose process is gone (dockerd stopping takes
   * its containers with it), so that their captures are released.
   */
  private void pruneExited(boolean dockerGone) {
    long oldest = System.nanoTime() - EXITED_RETENTION.toNanos();
    boolean changed = exited.values().removeIf(x -> x.atNanos() < oldest);
    if (dockerGone) {
      for (ContainerInfo c : List.copyOf(containers.values())) {
        if (!java.nio.file.Files.exists(java.nio.file.Path.of("/proc/" + c.pid()))) {
          exit(c.id());
          changed = true;
        }
      }
    }
    if (changed) {
      publish();
    }
  }

  /** A container stopped: no longer captured, but its addresses still name it for a while. */
  private boolean exit(String id) {
    ContainerInfo c = containers.remove(id);
    if (c != null && !c.addresses().isEmpty()) {
      exited.put(id, new Exited(c, System.nanoTime()));
    }
    return c != null;
  }

  private void onEvent(Event e) {
    if (e.getAction() == null) {
      return;
    }
    String action = e.getAction().split(":")[0];
    if (!RELEVANT.contains(action)) {
      return;
    }
    String id = e.getType() == EventType.NETWORK && e.getActor() != null
        && e.getActor().getAttributes() != null
        ? e.getActor().getAttributes().get("container") : e.getId();
    if (id == null) {
      return;
    }
    switch (action) {
      case "die", "stop", "kill", "destroy" -> {
        if (exit(id)) {
          publish();
        }
      }
      default -> {
        refresh(id, e.getActor() == null || e.getActor().getAttributes() == null ? Map.of()
            : e.getActor().getAttributes());
        ContainerInfo c = containers.get(id);
        if ("start".equals(action) && c != null
            && c.labels().containsKey("com.docker.swarm.service.name")) {
          services = swarmServices(); // a task started: its service (and VIP) may be new
        }
        publish();
      }
    }
  }

  /**
   * Lists the running containers and publishes what changed. A full listing inspects every one
   * again; a quick one only those not known yet (a new container's start event may still be on its
   * way). Either way the sync requests made before it started are answered when it is published.
   */
  private synchronized void sync(boolean full) {
    long answering = syncsRequested.get();
    Map<String, ContainerInfo> fresh = new HashMap<>();
    for (Container c : client.listContainersCmd().exec()) {
      ContainerInfo known = full ? null : containers.get(c.getId());
      if (known != null) {
        fresh.put(known.id(), known);
        continue;
      }
      Inspected info = inspect(c.getId(), Map.of());
      if (info != null && info.running()) {
        fresh.put(info.info().id(), info.info());
      }
    }
    for (String id : List.copyOf(containers.keySet())) {
      if (!fresh.containsKey(id)) {
        exit(id);
      }
    }
    containers.putAll(fresh);
    fresh.keySet().forEach(exited::remove);
    if (full) {
      services = swarmServices();
    }
    publish();
    syncsDone = Math.max(syncsDone, answering);
  }

  /**
   * @param attributes the event's actor attributes (a start event carries the name and the labels),
   *     used when the container is gone before it could be inspected
   */
  private void refresh(String id, Map<String, String> attributes) {
    Inspected info = inspect(id, attributes);
    if (info == null) {
      exit(id);
    } else if (info.running()) {
      containers.put(id, info.info());
      exited.remove(id);
    } else { // it lived only briefly: not captured, but named by its addresses if Docker still has them
      containers.remove(id);
      if (!info.info().addresses().isEmpty()) {
        exited.put(id, new Exited(info.info(), System.nanoTime()));
      }
    }
  }

  /** A container as inspected, and whether it was running then. */
  private record Inspected(ContainerInfo info, boolean running) {}

  /**
   * The container as the agent sees it, running or not; null when Docker no longer knows it or it is
   * not watched.
   */
  private Inspected inspect(String id, Map<String, String> eventAttributes) {
    InspectContainerResponse r;
    try {
      r = client.inspectContainerCmd(id).exec();
    } catch (NotFoundException e) {
      return null;
    }
    boolean isRunning = r.getState() != null && Boolean.TRUE.equals(r.getState().getRunning())
        && r.getState().getPidLong() != null && r.getState().getPidLong() > 0;
    Map<String, String> labels = r.getConfig() == null || r.getConfig().getLabels() == null
        ? labelsOf(eventAttributes) : r.getConfig().getLabels();
    Map<String, String> addresses = new HashMap<>();
    String sandbox = null;
    if (r.getNetworkSettings() != null) {
      sandbox = r.getNetworkSettings().getSandboxKey();
      Map<String, ContainerNetwork> networks = r.getNetworkSettings().getNetworks();
      if (networks != null) {
        networks.forEach((name, n) -> {
          if (n.getIpAddress() != null && !n.getIpAddress().isEmpty()) {
            addresses.put(name, n.getIpAddress());
          }
        });
      }
    }
    int pid = isRunning ? r.getState().getPidLong().intValue() : 0;
    String namespace = sandbox != null && !sandbox.isEmpty() ? sandbox
        : "/proc/" + pid + "/ns/net";
    String name = r.getName() != null ? r.getName().replaceFirst("^/", "")
        : eventAttributes.getOrDefault("name", id);
    String mode = r.getHostConfig() == null ? null : r.getHostConfig().getNetworkMode();
    ContainerInfo info = new ContainerInfo(r.getId(), name,
        r.getConfig() == null ? null : r.getConfig().getImage(), labels, pid, namespace, addresses,
        mode, ServiceNaming.of(name, labels));
    return watched.test(info) ? new Inspected(info, isRunning) : null;
  }

  /** An event's actor attributes without the ones Docker adds beside the labels. */
  private static Map<String, String> labelsOf(Map<String, String> attributes) {
    Map<String, String> labels = new HashMap<>(attributes);
    labels.keySet().removeAll(Set.of("name", "image", "exitCode", "container", "type"));
    return labels;
  }

  /** On a manager node, the Swarm services and their virtual IPs; elsewhere nothing. */
  private List<SwarmService> swarmServices() {
    try {
      Info info = client.infoCmd().exec();
      if (info.getSwarm() == null || !Boolean.TRUE.equals(info.getSwarm().getControlAvailable())) {
        return List.of();
      }
      List<SwarmService> out = new ArrayList<>();
      for (Service s : client.listServicesCmd().exec()) {
        ServiceSpec spec = s.getSpec();
        if (spec == null) {
          continue;
        }
        List<String> vips = new ArrayList<>();
        if (s.getEndpoint() != null && s.getEndpoint().getVirtualIPs() != null) {
          for (var vip : s.getEndpoint().getVirtualIPs()) {
            if (vip.getAddr() != null) {
              vips.add(vip.getAddr().replaceFirst("/.*$", ""));
            }
          }
        }
        String mode = spec.getEndpointSpec() != null && spec.getEndpointSpec().getMode() != null
            ? spec.getEndpointSpec().getMode().name().toLowerCase(java.util.Locale.ROOT) : "vip";
        Map<String, String> labels = spec.getLabels() == null ? Map.of() : spec.getLabels();
        out.add(new SwarmService(s.getId(), spec.getName(), labels.get(
            "com.docker.stack.namespace"), vips, mode));
      }
      return out;
    } catch (RuntimeException e) {
      return services; // keep what we knew
    }
  }

  private void publish() {
    listener.accept(Inventory.of(new ArrayList<>(containers.values()), services,
        exited.values().stream().map(Exited::info).toList()));
  }

  /** Closes the event stream and waits for its reading thread to end, so that none lingers. */
  private void closeEvents() {
    ResultCallback.Adapter<Event> e = events;
    events = null;
    if (e != null) {
      try {
        e.close();
        e.awaitCompletion(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (IOException ignored) {
        // already broken
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    running = false;
    closeEvents();
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    disconnect();
  }
}
