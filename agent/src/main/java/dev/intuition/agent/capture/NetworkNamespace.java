package dev.intuition.agent.capture;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Moves the calling thread into a network namespace with {@code setns(2)}. Only ever called on a
 * dedicated platform thread: a virtual thread would move between carriers and a pooled thread would carry
 * the namespace into unrelated work. After the switch the thread's own namespace
 * ({@code /proc/thread-self/ns/net}) is compared with the target, because a silent failure would
 * capture the host's interfaces instead of the container's.
 */
public final class NetworkNamespace {
  private static final int CLONE_NEWNET = 0x4000_0000;
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x8_0000;
  private static final Path SELF = Path.of("/proc/thread-self/ns/net");

  interface LibC extends Library {
    int open(String path, int flags);

    int setns(int fd, int nstype);

    int close(int fd);
  }

  private static final class Holder {
    static final LibC LIBC = Native.load("c", LibC.class);
  }

  private NetworkNamespace() {}

  /** The namespace's identity: the inode of an nsfs file (/proc/PID/ns/net or a bind mount of it). */
  public static long inode(Path namespaceFile) throws IOException {
    Object ino = Files.getAttribute(namespaceFile, "unix:ino");
    return ((Number) ino).longValue();
  }

  public static long current() throws IOException {
    return inode(SELF);
  }

  /**
   * Enters the namespace of {@code namespaceFile} on this thread and checks that it did.
   *
   * @throws IOException with the errno when the kernel refused (no CAP_SYS_ADMIN, a stale path), or
   *     when the thread is not in the target namespace afterwards
   */
  public static void enter(Path namespaceFile) throws IOException {
    if (Thread.currentThread().isVirtual()) {
      throw new IllegalStateException("setns on a virtual thread would follow its carrier");
    }
    long target = inode(namespaceFile);
    int fd = Holder.LIBC.open(namespaceFile.toString(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      throw new IOException("cannot open " + namespaceFile + ": errno " + Native.getLastError());
    }
    try {
      if (Holder.LIBC.setns(fd, CLONE_NEWNET) != 0) {
        throw new IOException("setns(" + namespaceFile + ") failed: errno " + Native.getLastError()
            + " (needs root or CAP_SYS_ADMIN)");
      }
    } finally {
      Holder.LIBC.close(fd);
    }
    long now = current();
    if (now != target) {
      throw new IOException("after setns(" + namespaceFile + ") this thread is in namespace " + now
          + ", not " + target);
    }
  }

  /** Interfaces of the calling thread's namespace, from /proc/thread-self/net/dev. */
  public static java.util.List<String> interfaces() throws IOException {
    return Files.readAllLines(Path.of("/proc/thread-self/net/dev")).stream()
        .skip(2)
        .map(l -> l.substring(0, l.indexOf(':')).trim())
        .toList();
  }
}
