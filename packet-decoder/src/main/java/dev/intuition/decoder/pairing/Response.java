package dev.intuition.decoder.pairing;

import dev.intuition.decoder.Outcome;
import java.util.ArrayList;
import java.util.List;

/** A response as decoded: its status in the protocol's terms and what that means ({@link Outcome}). */
public final class Response {
  public long startMicros;
  public long endMicros;
  public long bytes;
  public String status;
  public Outcome outcome = Outcome.OK;
  public Long rows;
  List<String> notes;

  public Response(long startMicros) {
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
}
