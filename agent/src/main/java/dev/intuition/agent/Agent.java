package dev.intuition.agent;

import dev.intuition.agent.bundle.BundleWriter;
import dev.intuition.agent.capture.CaptureSettings;
import dev.intuition.agent.capture.FrameTap;
import dev.intuition.agent.capture.NamespaceCapture;
import dev.intuition.agent.capture.NetworkNamespace;
import dev.intuition.agent.docker.DockerDiscovery;
import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.Inventory;
import dev.intuition.agent.tag.PendingNames;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.TransactionListener;
import dev.intuition.decoder.link.LinkType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One per host: follows the containers that Docker runs and keeps exactly one capture per distinct
 * network namespace (containers that share one, through {@code network_mode: container:X} or
 * {@code service:X}, are captured once), started when a container appears and closed when it goes.
 * Every transaction is tagged with its containers and services ({@link dev.intuition.agent.tag.Tagger}) before it leaves.
 */
public final class Agent implements AutoCloseable {
  /** A capture and the container it is reported as (the namespace's owner). */
  private record Running(ContainerInfo owner, NamespaceCapture capture) {}

  private final CaptureSettings settings;
  private final Consumer<Transaction> out;
  private final DockerDiscovery discovery;
  private final Map<Long, Running> captures = new HashMap<>();
  private final Map<Long, String> failures = new HashMap<>();
  private final ExecutorService lifecycle = Executors.newSingleThreadExecutor(
      Thread.ofPlatform().name("capture-lifecycle").daemon().factory());
  private final boolean hostCapture;
  private volatile Inventory inventory = Inventory.EMPTY;
  private final PendingNames pending;
  private final java.util.concurrent.ScheduledExecutorService naming =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("naming-delay").daemon().factory());
  private NamespaceCapture host;
  private BundleWriter recorder;

  /**
   * @param hostCapture also capture the host's own namespace (host-network containers and processes
   *     outside containers), leaving out the bridges and veths that carry container traffic
   */
  public Agent(String dockerHost, Predicate<ContainerInfo> watched, CaptureSettings settings,
      boolean hostCapture, Consumer<Transaction> out) {
    this.settings = settings;
    this.out = out;
    this.hostCapture = hostCapture;
    this.discovery = new DockerDiscovery(dockerHost, watched, this::onInventory);
    this.pending = new PendingNames(PendingNames.Settings.DEFAULT, new PendingNames.Sync() {
      @Override
      public long request() {
        return discovery.requestSync();
      }

      @Override
      public long done() {
        return discovery.syncsDone();
      }
    }, () -> inventory, out, System::nanoTime);
  }

  /** Where discovery says that it lost or found Docker again (stderr by default). */
  public Agent log(Consumer<String> log) {
    discovery.log(log);
    return this;
  }

  public Agent(String dockerHost, Predicate<ContainerInfo> watched, CaptureSettings settings,
      Consumer<Transaction> out) {
    this(dockerHost, watched, settings, false, out);
  }

  /**
   * Records every frame into {@code bundle} instead of decoding (intuition record). Call before start.
   */
  public Agent recordTo(BundleWriter bundle) {
    this.recorder = bundle;
    return this;
  }

  /**
   * Starts discovery (which retries by itself while Docker is away) and the host capture.
   *
   * @throws IOException when the host capture was asked for and cannot start
   */
  public Agent start() throws IOException {
    if (hostCapture) {
      host = new NamespaceCapture("host", hostNamespace(),
          settings.withExcludeInterfaces(CaptureSettings.HOST_BRIDGES), listener(null), tap(null))
          .start();
    }
    discovery.start();
    naming.scheduleWithFixedDelay(pending::release, 250, 250,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    return this;
  }

  /** Calls waiting for the inventory to name an end, and those that waited so far. */
  public PendingNames pendingNames() {
    return pending;
  }

  public Inventory inventory() {
    return inventory;
  }

  /** Names of the namespaces captured now. */
  public synchronized List<String> capturing() {
    return captures.values().stream().map(r -> r.owner().name()).sorted().toList();
  }

  public synchronized List<NamespaceCapture.Health> health() {
    List<NamespaceCapture.Health> all = new ArrayList<>();
    if (host != null) {
      all.add(host.health());
    }
    captures.values().forEach(r -> all.add(r.capture().health()));
    return all;
  }

  public String discoveryError() {
    return discovery.lastError();
  }

  private void onInventory(Inventory next) {
    inventory = next;
    pending.release();
    if (recorder != null) {
      recorder.inventory(next);
    }
    lifecycle.execute(() -> reconcile(next));
  }

  /** Starts captures for new namespaces and closes those whose containers are gone. */
  private void reconcile(Inventory inv) {
    Map<Long, ContainerInfo> wanted = new HashMap<>();
    for (ContainerInfo c : inv.containers().values()) {
      if (c.hostNetwork() || c.sharesNamespaceOf() != null) {
        continue; // the host's namespace, or captured through the container that owns it
      }
      try {
        wanted.putIfAbsent(NetworkNamespace.inode(Path.of(c.namespacePath())), c);
      } catch (IOException e) {
        // the container is already gone; the next inventory says so
      }
    }
    List<Running> stop = new ArrayList<>();
    synchronized (this) {
      Set<Long> gone = new HashSet<>(captures.keySet());
      gone.removeAll(wanted.keySet());
      for (Map.Entry<Long, Running> e : captures.entrySet()) {
        ContainerInfo now = wanted.get(e.getKey());
        if (now != null && !now.addresses().equals(e.getValue().owner().addresses())) {
          gone.add(e.getKey()); // networks connected or disconnected: reopen on its interfaces
        }
      }
      for (Long ns : gone) {
        stop.add(captures.remove(ns));
      }
      failures.keySet().retainAll(wanted.keySet());
    }
    stop.forEach(r -> r.capture().close());
    for (Map.Entry<Long, ContainerInfo> e : wanted.entrySet()) {
      synchronized (this) {
        if (captures.containsKey(e.getKey()) || failures.containsKey(e.getKey())) {
          continue;
        }
      }
      ContainerInfo owner = e.getValue();
      try {
        NamespaceCapture capture = new NamespaceCapture(owner.name(),
            Path.of(owner.namespacePath()), settings, listener(owner), tap(owner)).start();
        synchronized (this) {
          captures.put(e.getKey(), new Running(owner, capture));
        }
      } catch (IOException ex) {
        synchronized (this) {
          failures.put(e.getKey(), ex.getMessage());
        }
      }
    }
  }

  /**
   * The host's network namespace: PID 1's when the agent can see it (on the host, or in a container
   * with {@code pid: host}), else its own (an agent with {@code network_mode: host}).
   */
  static Path hostNamespace() {
    Path init = Path.of("/proc/1/ns/net");
    try {
      NetworkNamespace.inode(init);
      return init;
    } catch (IOException e) {
      return Path.of("/proc/self/ns/net");
    }
  }

  /** Decoding, except while recording (the bundle is decoded later, on any machine). */
  private TransactionListener listener(ContainerInfo observer) {
    return recorder != null ? null : t -> emit(t, observer);
  }

  private FrameTap tap(ContainerInfo owner) {
    BundleWriter bundle = recorder;
    if (bundle == null) {
      return null;
    }
    return new FrameTap() {
      @Override
      public int open(String device, LinkType link, int snaplen) throws IOException {
        return bundle.open(owner, device, link, snaplen);
      }

      @Override
      public void frame(int iface, long timestampMicros, byte[] frame) {
        bundle.frame(iface, timestampMicros, frame);
      }
    };
  }

  private void emit(Transaction t, ContainerInfo observer) {
    pending.offer(t, observer);
  }

  @Override
  public void close() throws IOException {
    discovery.close();
    lifecycle.shutdownNow();
    List<Running> all;
    synchronized (this) {
      all = new ArrayList<>(captures.values());
      captures.clear();
    }
    // All stop together (each reads what its kernel buffer still holds), then are closed.
    all.forEach(r -> r.capture().stop());
    if (host != null) {
      host.stop();
    }
    all.forEach(r -> r.capture().close());
    if (host != null) {
      host.close();
    }
    naming.shutdownNow();
    pending.flush();
  }
}
