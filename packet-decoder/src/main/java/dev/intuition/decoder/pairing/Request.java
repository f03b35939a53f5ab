package dev.intuition.decoder.pairing;

import java.util.ArrayList;
import java.util.List;

/**
 * A request being decoded or waiting for its response. Mutable because a decoder fills it in as the
 * bytes arrive (start line, then headers, then the body's last byte); it is handed to the {@link Pairer}
 * once complete and not touched by the decoder afterwards.
 */
public final class Request {
  public long startMicros;
  public long endMicros;
  public long bytes;
  public String method;
  public String resource;
  public String query;
  public String host;
  public String forwardedFor;
  public String params;
  /** Protocol-specific facts the response decoder needs (HTTP: HEAD; MySQL: the command). */
  public int kind;
  /** For protocols where one request expects several replies (Redis SUBSCRIBE ch1 ch2). */
  public int expectedReplies = 1;
  List<String> notes;

  public Request(long startMicros) {
    this.startMicros = startMicros;
    this.endMicros = startMicros;
  }

  public void note(String note) {
    if (notes == null) {
      notes = new ArrayList<>(2);
    }
    if (!notes.contains(note)) {
      notes.add(note);
    }
  }

  public boolean hasNotes() {
    return notes != null && !notes.isEmpty();
  }
}
