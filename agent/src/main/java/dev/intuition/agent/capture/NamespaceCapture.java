package dev.intuition.agent.capture;

import dev.intuition.decoder.DecoderStats;
import dev.intuition.decoder.TrafficDecoder;
import dev.intuition.decoder.TransactionListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Captures one network namespace: a dedicated platform thread enters it ({@code setns}, verified),
 * opens a handle on each of its interfaces, then reads one of them while a sibling thread (created in
 * the namespace, so inside it too) reads each other one. Every handle has its own decoder, confined to
 * its thread. {@link #close} stops the threads, closes the handles and flushes the decoders: nothing is
 * left behind when a container goes away.
 */
public final class NamespaceCapture implements AutoCloseable {
  /** What a namespace's capture has seen so far: libpcap's counters and the decoders'. */
  public record Health(String name, long packets, long dropped, long droppedByInterface,
      Map<DecoderStats.Counter, Long> decoder, String error) {
    /** As the wire carries it: the decoder's counters by their wire names. */
    public dev.intuition.wire.CaptureHealth toWire() {
      Map<String, Long> counters = new java.util.LinkedHashMap<>();
      decoder.forEach((counter, n) -> counters.put(counter.wireName(), n));
      return new dev.intuition.wire.CaptureHealth(name, packets, dropped, droppedByInterface,
          counters, error);
    }
  }

  private final String name;
  private final Path namespaceFile;
  private final CaptureSettings settings;
  private final TransactionListener listener;
  private final FrameTap tap;
  private final List<Reader> readers = new ArrayList<>();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final Map<String, Map<DecoderStats.Counter, Long>> decoderStats =
      new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private final java.util.concurrent.atomic.AtomicBoolean stopping =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile String error;
  private Thread main;

  /**
   * @param name for thread names, logs and health (a container name)
   * @param namespaceFile {@code /proc/PID/ns/net}, a Docker sandbox key, or {@code /var/run/netns/X}
   */
  public NamespaceCapture(String name, Path namespaceFile, CaptureSettings settings,
      TransactionListener listener) {
    this(name, namespaceFile, settings, listener, null);
  }

  /**
   * @param listener receives decoded transactions; null to record without decoding
   * @param tap receives every frame as captured (for a bundle), or null
   */
  public NamespaceCapture(String name, Path namespaceFile, CaptureSettings settings,
      TransactionListener listener, FrameTap tap) {
    this.name = name;
    this.namespaceFile = namespaceFile;
    this.settings = settings;
    this.listener = listener;
    this.tap = tap;
  }

  /** Starts capturing; returns once every interface is open, or throws why it could not. */
  public NamespaceCapture start() throws IOException {
    main = Thread.ofPlatform().name("capture-" + name).daemon().start(this::run);
    try {
      started.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      close();
      throw new IOException("cannot capture " + name + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      close();
      throw new IOException("capture of " + name + " did not start within 10 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IOException("interrupted while starting the capture of " + name);
    }
    return this;
  }

  private void run() {
    List<Reader> opened = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    try {
      NetworkNamespace.enter(namespaceFile);
      for (String device : NetworkNamespace.interfaces()) {
        if (device.equals("lo") && !settings.includeLoopback()
            || settings.excludeInterfaces() != null && device.matches(settings.excludeInterfaces())) {
          continue;
        }
        PacketCapture capture;
        try {
          capture = PacketCapture.open(device, settings.snaplen(), settings.bufferBytes(),
              settings.filter());
        } catch (IOException e) {
          skipped.add(e.getMessage()); // e.g. an interface that is down: capture the others
          continue;
        }
        Reader reader = new Reader(device, capture);
        opened.add(reader);
        if (tap != null) {
          reader.tapInterface = tap.open(device, capture.linkType(), settings.snaplen());
        }
      }
      if (opened.isEmpty() && !skipped.isEmpty()) {
        throw new IOException(String.join("; ", skipped));
      }
    } catch (IOException | RuntimeException e) {
      opened.forEach(r -> r.capture.close());
      started.completeExceptionally(e);
      return;
    }
    if (!skipped.isEmpty()) {
      error = "not captured: " + String.join("; ", skipped);
    }
    synchronized (readers) {
      readers.addAll(opened);
    }
    started.complete(null);
    if (opened.isEmpty()) {
      return;
    }
    for (Reader r : opened.subList(1, opened.size())) {
      r.thread = Thread.ofPlatform().name("capture-" + name + "-" + r.device).daemon().start(r);
    }
    opened.get(0).thread = Thread.currentThread();
    opened.get(0).run();
  }

  public String name() {
    return name;
  }

  public Health health() {
    long packets = 0;
    long dropped = 0;
    long ifDropped = 0;
    Map<DecoderStats.Counter, Long> total = new java.util.EnumMap<>(DecoderStats.Counter.class);
    synchronized (readers) {
      for (Reader r : readers) {
        PacketCapture.Stats s = r.capture.stats();
        packets += s.received();
        dropped += s.dropped();
        ifDropped += s.droppedByInterface();
      }
    }
    decoderStats.values().forEach(m -> m.forEach((k, v) -> total.merge(k, v, Long::sum)));
    return new Health(name, packets, dropped, ifDropped, total, error);
  }

  /** How long a closing capture keeps reading what the kernel still holds (at most). */
  static final long DRAIN_MILLIS = 1000;

  /**
   * Tells the readers to stop, without waiting: each first reads what the kernel still buffers (until
   * a quiet read timeout, at most {@link #DRAIN_MILLIS}), so that the last calls before a container
   * stops, or a recording ends, are not lost. {@link #close} waits for them.
   */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return; // stopping already: a second break would cut the readers' draining short
    }
    running = false;
    List<Reader> all;
    synchronized (readers) {
      all = new ArrayList<>(readers);
    }
    all.forEach(r -> r.capture.stop());
  }

  @Override
  public void close() {
    stop();
    List<Reader> all;
    synchronized (readers) {
      all = new ArrayList<>(readers);
    }
    for (Reader r : all) {
      if (r.thread != null) {
        try {
          r.thread.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (main != null && main.isAlive()) {
      try {
        main.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (readers) {
      readers.forEach(r -> r.capture.close());
      readers.clear();
    }
  }

  /** One interface: its handle and its decoder, used only by its own thread. */
  private final class Reader implements Runnable {
    final String device;
    final PacketCapture capture;
    volatile Thread thread;
    int tapInterface = -1;

    Reader(String device, PacketCapture capture) {
      this.device = device;
      this.capture = capture;
    }

    @Override
    public void run() {
      TrafficDecoder decoder = listener == null ? null
          : new TrafficDecoder(settings.decoder(), listener);
      PacketCapture.FrameListener frames = (ts, frame) -> {
        if (tapInterface >= 0) {
          tap.frame(tapInterface, ts, frame);
        }
        if (decoder != null) {
          decoder.packet(capture.linkType(), ts, frame, 0, frame.length);
        }
      };
      long lastTick = 0;
      try {
        while (running) {
          capture.dispatch(frames);
          long now = System.currentTimeMillis();
          if (decoder != null && now - lastTick >= 1000) {
            decoder.tick(now * 1000);
            decoderStats.put(device, decoder.stats().snapshot());
            lastTick = now;
          }
        }
        capture.drain(frames, DRAIN_MILLIS); // what arrived before the stop
      } catch (IOException | RuntimeException e) {
        error = device + ": " + e.getMessage();
      } finally {
        if (decoder != null) {
          decoder.finish();
          decoderStats.put(device, decoder.stats().snapshot());
        }
      }
    }
  }
}
