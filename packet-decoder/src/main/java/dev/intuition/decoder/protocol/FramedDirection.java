package dev.intuition.decoder.protocol;

/**
 * One direction of a protocol whose messages carry their length (MySQL packets, PostgreSQL
 * messages): what such directions share. Bytes of a message past what is read are skipped by count;
 * a gap inside a message of known length loses nothing else; a gap anywhere else, or a capture that
 * joined mid-stream, means looking for a message boundary again. The subclass reads messages
 * ({@link #frame}) and says where a boundary plausibly is ({@link #resyncPoint}).
 */
public abstract class FramedDirection implements PairingDecoder.Direction {
  private final PairingDecoder decoder;
  /** Looking for a message boundary (after a gap, or joined mid-stream). */
  protected boolean resync;
  /** Joined mid-stream and no byte seen yet: the first bytes may well start a message. */
  protected boolean joined;
  /** Whether bytes were lost since the last message was reported (it carries a note). */
  protected boolean loss;
  private long skip;

  protected FramedDirection(PairingDecoder decoder, boolean midStream) {
    this.decoder = decoder;
    this.resync = midStream;
    this.joined = midStream;
  }

  /**
   * Reads what starts at {@code b[p, end)}: returns the bytes used (at least 1), or 0 when more are
   * needed. A message longer than what is read leaves the rest to {@link #skip}.
   */
  protected abstract int frame(byte[] b, int p, int end, long ts);

  /** The first bytes after joining mid-stream: clears {@link #resync} when a message starts there. */
  protected abstract void joinedAt(byte[] b, int p, int end);

  /** Where a message plausibly starts in {@code b[p, end)}, or -1. */
  protected abstract int resyncPoint(byte[] b, int p, int end);

  /** While looking for a boundary: from where bytes are kept to be seen again with the next ones. */
  protected int keepFrom(int p, int end) {
    return Math.max(p, end - 8); // a header may straddle segments
  }

  /** Bytes inside a message of known length were not captured. */
  protected void lostInMessage() {}

  /** A message boundary was lost: keep the pairing in step. */
  protected abstract void lostBoundary(long ts);

  /**
   * Whether bytes were lost since the last call (for the note on the message now reported); clears
   * it.
   */
  public final boolean takeLoss() {
    boolean lost = loss;
    loss = false;
    return lost;
  }

  /** The other direction found where the conversation starts: so does this one, from its first byte. */
  public final void startsHere() {
    resync = false;
    joined = false;
  }

  /** The next {@code bytes} bytes belong to the message just read and are passed over. */
  protected final void skip(long bytes) {
    skip = bytes;
  }

  @Override
  public int data(byte[] b, int off, int len, long ts) {
    int p = off;
    int end = off + len;
    while (p < end && !decoder.switched()) {
      if (skip > 0) {
        int k = (int) Math.min(skip, end - p);
        p += k;
        skip -= k;
        continue;
      }
      if (resync && joined) {
        joined = false;
        joinedAt(b, p, end);
        continue;
      }
      if (resync) {
        int s = resyncPoint(b, p, end);
        if (s < 0) {
          return keepFrom(p, end) - off;
        }
        p = s;
        resync = false;
        continue;
      }
      int n = frame(b, p, end, ts);
      if (n == 0) {
        return p - off;
      }
      p += n;
    }
    return decoder.switched() ? len : p - off;
  }

  @Override
  public void gap(int len, long ts) {
    loss = true;
    if (skip >= len) {
      skip -= len; // inside a message whose length is known: nothing else is lost
      lostInMessage();
      return;
    }
    skip = 0;
    if (!resync) {
      resync = true;
      lostBoundary(ts);
    }
  }
}
