package dev.intuition.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An input stream read ahead on a thread of its own: the thread copies the file into chunks while the
 * caller decodes the previous ones, so the kernel's copy from the page cache (about a tenth of
 * {@code decode}'s decoding thread on a 1M-packet capture) runs on the other core. The caller's reads
 * copy out of a chunk, in memory.
 *
 * <p>Bounded: {@value #CHUNKS} chunks of {@code chunkSize} bytes exist at most, recycled (full ones
 * queued for the caller, empty ones queued for the reader); the reader waits when all are full. An
 * I/O error of the underlying stream reaches the caller at the read where it occurred, after the bytes
 * read before it. {@link #close} stops the reader and closes the underlying stream. Not thread-safe
 * for callers (one reader of the stream, as with any stream).
 */
final class ReadAhead extends InputStream {
  static final int CHUNKS = 4;

  /** A chunk: {@code length} bytes, or the end of input ({@code length < 0}, with its error if any). */
  private record Chunk(byte[] bytes, int length, IOException error) {}

  private final InputStream in;
  private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(CHUNKS + 1);
  private final BlockingQueue<byte[]> empty = new ArrayBlockingQueue<>(CHUNKS);
  private final Thread reader;
  private volatile boolean closed;
  private Chunk current;
  private int pos;

  ReadAhead(InputStream in, int chunkSize) {
    this.in = in;
    for (int i = 0; i < CHUNKS; i++) {
      empty.add(new byte[chunkSize]);
    }
    this.reader = Thread.ofPlatform().daemon().name("decode-read").unstarted(this::readAll);
    reader.start();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (current == null || pos == current.length()) { // the end (length -1) is never used up
      if (current != null) {
        empty.add(current.bytes()); // room is certain: at most CHUNKS arrays exist
      }
      current = take();
      pos = 0;
    }
    if (current.length() < 0) {
      if (current.error() != null) {
        throw current.error();
      }
      return -1;
    }
    int n = Math.min(len, current.length() - pos);
    System.arraycopy(current.bytes(), pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    reader.interrupt();
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    in.close();
  }

  private Chunk take() throws IOException {
    try {
      return full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading");
    }
  }

  private void readAll() {
    try {
      while (!closed) {
        byte[] bytes = empty.take();
        int n = 0;
        IOException error = null;
        boolean end = false;
        while (n < bytes.length) {
          int r;
          try {
            r = in.read(bytes, n, bytes.length - n);
          } catch (IOException e) {
            error = e;
            break;
          }
          if (r < 0) {
            end = true;
            break;
          }
          n += r;
        }
        if (n > 0) {
          full.put(new Chunk(bytes, n, null)); // what came before an error or the end
        }
        if (error != null || end) {
          full.put(new Chunk(null, -1, error));
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed: the caller no longer reads
    }
  }
}
