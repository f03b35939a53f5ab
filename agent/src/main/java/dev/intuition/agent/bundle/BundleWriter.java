package dev.intuition.agent.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.Inventory;
import dev.intuition.decoder.link.LinkType;
import dev.intuition.decoder.pcap.PcapNgWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Records a capture bundle: the frames of every captured namespace in one pcapng file (one interface
 * per namespace interface, named {@code container/device}), and, when finished, a zip of that file with
 * the containers and services seen while recording ({@link Bundle} reads it). Frames are written to a
 * temporary file as they come, so memory does not grow with the recording.
 */
public final class BundleWriter implements AutoCloseable {
  private final Path pcapng;
  private final PcapNgWriter writer;
  private final List<Bundle.Interface> interfaces = new ArrayList<>();
  private final Map<String, ContainerInfo> seen = new LinkedHashMap<>();
  private final Instant started = Instant.now();
  private long packets;
  private long bytes;
  private Inventory last = Inventory.EMPTY;

  public BundleWriter() throws IOException {
    this.pcapng = Files.createTempFile("intuition-record-", ".pcapng");
    this.writer = new PcapNgWriter(Files.newOutputStream(pcapng));
  }

  /** An interface of {@code owner}'s namespace (null: the host's) starts; returns its number. */
  public synchronized int open(ContainerInfo owner, String device, LinkType link, int snaplen)
      throws IOException {
    String name = (owner == null ? "host" : owner.name()) + "/" + device;
    int index = writer.addInterface(link, snaplen, name);
    interfaces.add(new Bundle.Interface(index, owner == null ? null : owner.id(), device));
    return index;
  }

  public synchronized void frame(int iface, long timestampMicros, byte[] frame) {
    try {
      writer.packet(iface, timestampMicros, frame, 0, frame.length, frame.length);
      packets++;
      bytes += frame.length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Remembers every container seen, so that one that stopped during the recording is still named. */
  public synchronized void inventory(Inventory inventory) {
    last = inventory;
    inventory.containers().values().forEach(c -> seen.put(c.id(), c));
  }

  public synchronized long packets() {
    return packets;
  }

  public synchronized long bytes() {
    return bytes;
  }

  /** Writes the bundle to {@code output} (a zip). */
  public synchronized void finish(Path output, String host) throws IOException {
    writer.close();
    ObjectMapper json = new ObjectMapper();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("version", Bundle.VERSION);
    meta.put("host", host);
    meta.put("startedAt", started.toString());
    meta.put("endedAt", Instant.now().toString());
    meta.put("packets", packets);
    try (OutputStream file = Files.newOutputStream(output);
        ZipOutputStream zip = new ZipOutputStream(file)) {
      zip.putNextEntry(new ZipEntry(Bundle.META));
      zip.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
      zip.putNextEntry(new ZipEntry(Bundle.CONTAINERS));
      zip.write(json.writeValueAsBytes(new ArrayList<>(seen.values())));
      zip.putNextEntry(new ZipEntry(Bundle.SERVICES));
      zip.write(json.writeValueAsBytes(last.services()));
      zip.putNextEntry(new ZipEntry(Bundle.INTERFACES));
      zip.write(json.writeValueAsBytes(interfaces));
      zip.putNextEntry(new ZipEntry(Bundle.CAPTURE));
      Files.copy(pcapng, zip);
      zip.closeEntry();
    }
    Files.deleteIfExists(pcapng);
  }

  @Override
  public synchronized void close() throws IOException {
    writer.close();
    Files.deleteIfExists(pcapng);
  }
}
