package dev.intuition.agent.bundle;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.Inventory;
import dev.intuition.wire.SwarmService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A capture bundle written by {@code intuition record}: a zip holding {@value #CAPTURE} (pcapng, one
 * interface per captured namespace interface), {@value #INTERFACES} (which container each interface
 * belongs to), {@value #CONTAINERS} and {@value #SERVICES} (what was running) and {@value #META}.
 * Decoding a bundle names services exactly as the live agent would.
 */
public final class Bundle implements AutoCloseable {
  public static final int VERSION = 1;
  static final String META = "bundle.json";
  static final String CONTAINERS = "containers.json";
  static final String SERVICES = "services.json";
  static final String INTERFACES = "interfaces.json";
  static final String CAPTURE = "capture.pcapng";

  /** A pcapng interface and the container whose namespace it was in (null: the host). */
  public record Interface(int index, String container, String device) {}

  private final ZipFile zip;
  private final Inventory inventory;
  private final Map<Integer, ContainerInfo> observers = new HashMap<>();

  private Bundle(ZipFile zip) throws IOException {
    this.zip = zip;
    ObjectMapper json = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    List<ContainerInfo> containers = json.readValue(read(CONTAINERS), new TypeReference<>() {});
    List<SwarmService> services = json.readValue(read(SERVICES), new TypeReference<>() {});
    List<Interface> interfaces = json.readValue(read(INTERFACES), new TypeReference<>() {});
    this.inventory = Inventory.of(containers, services);
    for (Interface i : interfaces) {
      observers.put(i.index(), i.container() == null ? null
          : inventory.containers().get(i.container()));
    }
  }

  /** Whether the file is a zip (a bundle) rather than a pcap / pcapng capture. */
  public static boolean isBundle(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }
  }

  public static Bundle open(Path file) throws IOException {
    ZipFile zip = new ZipFile(file.toFile());
    try {
      return new Bundle(zip);
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw new IOException(file + " is not an Intuition bundle: " + e.getMessage(), e);
    }
  }

  public Inventory inventory() {
    return inventory;
  }

  private byte[] read(String name) throws IOException {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      throw new IOException("missing " + name);
    }
    try (InputStream in = zip.getInputStream(e)) {
      return in.readAllBytes();
    }
  }

  /** The container whose namespace interface {@code iface} was in; null for the host. */
  public ContainerInfo observer(int iface) {
    return observers.get(iface);
  }

  /** The recorded frames (pcapng); the caller closes the stream. */
  public InputStream capture() throws IOException {
    return zip.getInputStream(zip.getEntry(CAPTURE));
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
