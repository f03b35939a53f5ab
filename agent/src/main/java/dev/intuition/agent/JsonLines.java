package dev.intuition.agent;

import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.json.JsonWriter;
import dev.intuition.decoder.json.TransactionJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One transaction JSON per line, written on a thread of its own: the decoder hands over batches of
 * {@value #BATCH} transactions (records, immutable) and goes on decoding while this thread formats and
 * writes the previous ones, so that {@code decode} uses two cores. The lines come out in the order
 * the transactions were added, byte for byte what a {@link JsonWriter} on the caller's thread writes.
 *
 * <p>Bounded: at most {@value #QUEUED} batches wait; past that {@link #add} waits for the writer. If
 * the output fails (stdout closed), {@link #failed} says so, {@link #add} drops what it is given (it
 * never throws into the decoder, which would count it as the decoder's own error), and {@link #finish}
 * throws the {@link UncheckedIOException}.
 */
final class JsonLines {
  static final int BATCH = 1024;
  static final int QUEUED = 16;
  private static final Transaction[] END = new Transaction[0];

  private final BlockingQueue<Transaction[]> queue = new ArrayBlockingQueue<>(QUEUED);
  private final JsonWriter json;
  private final Thread writer;
  private Transaction[] batch = new Transaction[BATCH];
  private int size;
  private volatile UncheckedIOException failure;
  private boolean finished;

  JsonLines(OutputStream out, int bufferSize) {
    this.json = new JsonWriter(out, bufferSize);
    this.writer = Thread.ofPlatform().daemon().name("decode-json").unstarted(this::write);
    writer.start();
  }

  /** Queues one transaction; dropped if the output already failed. */
  void add(Transaction t) {
    if (failure != null) {
      return;
    }
    batch[size++] = t;
    if (size == BATCH) {
      put(batch);
      batch = new Transaction[BATCH];
      size = 0;
    }
  }

  /** Writes what is queued, flushes, and ends the writer; throws if the output failed. */
  void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (size > 0) {
      put(Arrays.copyOf(batch, size));
      size = 0;
    }
    put(END);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while writing", e));
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Whether the output failed (stdout closed): the caller may stop early. */
  boolean failed() {
    return failure != null;
  }

  private void put(Transaction[] b) {
    try {
      queue.put(b);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while writing", e));
    }
  }

  private void write() {
    try {
      for (Transaction[] b = queue.take(); b != END; b = queue.take()) {
        if (failure != null) {
          continue; // the output is gone: drain, so that the decoder never waits forever
        }
        try {
          for (Transaction t : b) {
            TransactionJson.write(t, json);
            json.newline();
          }
        } catch (UncheckedIOException e) {
          failure = e;
        } catch (RuntimeException e) { // a bug: report it as the output's failure, keep draining
          failure = new UncheckedIOException(new IOException("writing JSON failed: " + e, e));
        }
      }
      if (failure == null) {
        json.flush();
      }
    } catch (InterruptedException e) {
      failure = new UncheckedIOException(new IOException("interrupted while writing", e));
    } catch (UncheckedIOException e) {
      failure = e;
    }
  }
}
