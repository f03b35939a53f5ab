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
import dev.intuition.agent.inventory.SwarmService;
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
 * change produces a new {@link Inventory}. When dockerd goes away the stream breaks; discovery
 * reconnects with backoff and lists everything again, so nothing is missed. The only class that imports
 * docker-java. The endpoint is DOCKER_HOST or the default socket.
 */
public final class DockerDiscovery implements Closeable {
  private static final Set<String> RELEVANT = Set.of("start", "die", "stop", "kill", "destroy",
      "rename", "connect", "disconnect", "pause", "unpause", "update");
  private static final Duration RESYNC = Duration.ofSeconds(30);

  private final DefaultDockerClientConfig config;
  private volatile DockerClient client;
  private volatile DockerClient eventsClient;
  private final String endpoint;
  private final Predicate<ContainerInfo> watched;
  private final Consumer<Inventory> listener;
  private final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
  private volatile List<SwarmService> services = List.of();
  private volatile boolean running = true;
  private volatile ResultCallback.Adapter<Event> events;
  private volatile String lastError;
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

  private void run() {
    long backoff = 500;
    while (running) {
      try {
        connect();
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Event e) {
            onEvent(e);
          }
        };
        // Subscribe first, then list: an event between the two is not lost, just applied twice.
        eventsClient.eventsCmd().withEventTypeFilter(EventType.CONTAINER, EventType.NETWORK)
            .exec(callback);
        events = callback;
        resync();
        lastError = null;
        backoff = 500;
        long nextResync = System.nanoTime() + RESYNC.toNanos();
        while (running) {
          if (callback.awaitCompletion(1, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IOException("the Docker event stream ended");
          }
          if (System.nanoTime() > nextResync) {
            resync(); // catches anything an event did not say (and Swarm service changes)
            nextResync = System.nanoTime() + RESYNC.toNanos();
          }
        }
      } catch (Throwable e) { // whatever happens, discovery must go on: it is how the agent recovers
        if (!running) {
          break;
        }
        lastError = "Docker API at " + endpoint + ": " + (e.getMessage() == null
            ? e.getClass().getSimpleName() : e.getMessage());
        try {
          closeEvents();
          pruneExited();
        } catch (RuntimeException cleanup) {
          lastError += " (and while cleaning up: " + cleanup + ")";
        }
        sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
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
   * While Docker cannot be asked, containers whose process is gone are dropped anyway (dockerd stopping
   * takes its containers with it), so that their captures are released.
   */
  private void pruneExited() {
    if (containers.values().removeIf(c -> !java.nio.file.Files.exists(
        java.nio.file.Path.of("/proc/" + c.pid())))) {
      publish();
    }
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
        ? e.getActor().getAttributes().get("container") : e.getId();
    if (id == null) {
      return;
    }
    switch (action) {
      case "die", "stop", "kill", "destroy" -> {
        if (containers.remove(id) != null) {
          publish();
        }
      }
      default -> {
        refresh(id);
        ContainerInfo c = containers.get(id);
        if (c != null && c.labels().containsKey("com.docker.swarm.service.name")) {
          services = swarmServices(); // a task started: its service (and VIP) may be new
        }
        publish();
      }
    }
  }

  private synchronized void resync() {
    Map<String, ContainerInfo> fresh = new HashMap<>();
    for (Container c : client.listContainersCmd().exec()) {
      ContainerInfo info = inspect(c.getId());
      if (info != null) {
        fresh.put(info.id(), info);
      }
    }
    containers.keySet().retainAll(fresh.keySet());
    containers.putAll(fresh);
    services = swarmServices();
    publish();
  }

  private void refresh(String id) {
    ContainerInfo info = inspect(id);
    if (info == null) {
      containers.remove(id);
    } else {
      containers.put(id, info);
    }
  }

  /** The container as the agent sees it, or null when it is not running or not watched. */
  private ContainerInfo inspect(String id) {
    InspectContainerResponse r;
    try {
      r = client.inspectContainerCmd(id).exec();
    } catch (NotFoundException e) {
      return null;
    }
    if (r.getState() == null || !Boolean.TRUE.equals(r.getState().getRunning())
        || r.getState().getPidLong() == null || r.getState().getPidLong() <= 0) {
      return null;
    }
    Map<String, String> labels = r.getConfig() == null || r.getConfig().getLabels() == null
        ? Map.of() : r.getConfig().getLabels();
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
    int pid = r.getState().getPidLong().intValue();
    String namespace = sandbox != null && !sandbox.isEmpty() ? sandbox
        : "/proc/" + pid + "/ns/net";
    String name = r.getName() == null ? id : r.getName().replaceFirst("^/", "");
    String mode = r.getHostConfig() == null ? null : r.getHostConfig().getNetworkMode();
    ContainerInfo info = new ContainerInfo(r.getId(), name,
        r.getConfig() == null ? null : r.getConfig().getImage(), labels, pid, namespace, addresses,
        mode, ServiceNaming.of(name, labels));
    return watched.test(info) ? info : null;
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
    listener.accept(Inventory.of(new ArrayList<>(containers.values()), services));
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
