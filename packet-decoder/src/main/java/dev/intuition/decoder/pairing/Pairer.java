package dev.intuition.decoder.pairing;

import dev.intuition.decoder.Connection;
import dev.intuition.decoder.DecoderStats.Counter;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Pairs one connection's requests with its responses in FIFO order, which is what every decoded protocol
 * guarantees (HTTP/1.1 pipelining, RESP, PostgreSQL and MySQL all answer in order). Requests left without
 * a response (timeout, close, end of capture) and responses without a request become transactions too,
 * with a note saying so. The queue is bounded by {@code maxPendingRequests}.
 */
public final class Pairer {
  public static final String UNMATCHED_RESPONSE = "unmatched response";
  public static final String NO_RESPONSE_CLOSED = "no response: connection closed";
  public static final String NO_RESPONSE_TIMEOUT = "no response: timeout";
  public static final String NO_RESPONSE_END = "no response before end of capture";
  public static final String LOSS_IN_REQUEST = "packet loss in request";
  public static final String LOSS_IN_RESPONSE = "packet loss in response";

  private final Protocol protocol;
  private final Connection connection;
  private final DecoderContext ctx;
  private final ArrayDeque<Request> pending = new ArrayDeque<>(4);
  private final long timeoutMicros;
  private int repliesToAbsorb;

  public Pairer(Protocol protocol, Connection connection, DecoderContext ctx) {
    this.protocol = protocol;
    this.connection = connection;
    this.ctx = ctx;
    this.timeoutMicros = ctx.settings().transactionTimeout().toNanos() / 1000;
  }

  public Connection connection() {
    return connection;
  }

  public DecoderContext context() {
    return ctx;
  }

  public void request(Request r) {
    if (pending.size() >= ctx.settings().maxPendingRequests()) {
      unmatchedRequest(pending.poll(), "no response: too many pending requests", Outcome.ERROR);
    }
    pending.add(r);
  }

  /** The oldest request waiting for a response: the one the next response answers. */
  public Request head() {
    return pending.peek();
  }

  public boolean hasPending() {
    return !pending.isEmpty();
  }

  public int pendingCount() {
    return pending.size();
  }

  /** The next response: pairs with the oldest pending request, or stands alone as unmatched. */
  public void response(Response resp) {
    if (repliesToAbsorb > 0) {
      repliesToAbsorb--; // e.g. SUBSCRIBE a b: the first reply completed the transaction
      return;
    }
    Request req = pending.poll();
    if (req != null && req.expectedReplies > 1) {
      repliesToAbsorb = req.expectedReplies - 1;
    }
    if (req == null) {
      ctx.stats().increment(Counter.UNMATCHED_RESPONSES);
      resp.note(UNMATCHED_RESPONSE);
      if (resp.outcome == Outcome.OK) {
        resp.outcome = Outcome.WARNING;
      }
    }
    emit(req, resp);
  }

  /**
   * The response to the oldest pending request was lost in a capture gap: the request is reported with
   * what is known (its status is not) as a warning, so the FIFO stays in step.
   */
  public void responseLost(long ts) {
    Request req = pending.poll();
    if (req == null) {
      return;
    }
    Response resp = new Response(ts);
    resp.status = null;
    resp.outcome = Outcome.WARNING;
    resp.note(LOSS_IN_RESPONSE);
    emit(req, resp);
  }

  /** Reports requests that waited longer than the transaction timeout. */
  public void expire(long now) {
    while (!pending.isEmpty() && now - pending.peek().endMicros >= timeoutMicros) {
      unmatchedRequest(pending.poll(), NO_RESPONSE_TIMEOUT, Outcome.ERROR);
    }
  }

  /** Reports every pending request as unmatched, e.g. when the connection closes. */
  public void drain(String note, Outcome outcome) {
    List<Request> all = new ArrayList<>(pending);
    pending.clear();
    for (Request r : all) {
      unmatchedRequest(r, note, outcome);
    }
  }

  private void unmatchedRequest(Request req, String note, Outcome outcome) {
    ctx.stats().increment(Counter.UNMATCHED_REQUESTS);
    req.note(note);
    emit(req, null, outcome);
  }

  private void emit(Request req, Response resp) {
    emit(req, resp, resp.outcome);
  }

  private void emit(Request req, Response resp, Outcome outcome) {
    List<String> notes = new ArrayList<>(2);
    if (req != null && req.notes != null) {
      notes.addAll(req.notes);
    }
    if (resp != null && resp.notes != null) {
      for (String n : resp.notes) {
        if (!notes.contains(n)) {
          notes.add(n);
        }
      }
    }
    Long start = req == null ? null : req.startMicros;
    Long end = resp == null ? null : resp.endMicros;
    Long duration = start != null && end != null ? Math.max(0, end - start) : null;
    String query = req == null ? null : truncate(req.query, ctx.settings().maxQueryLength());
    Transaction t = new Transaction(
        protocol,
        connection.client(),
        connection.server(),
        start == null ? null : toInstant(start),
        end == null ? null : toInstant(end),
        duration,
        req == null ? null : req.method,
        req == null ? null : req.resource,
        query,
        resp == null ? null : resp.status,
        outcome,
        req == null ? 0 : req.bytes,
        resp == null ? 0 : resp.bytes,
        resp == null ? null : resp.rows,
        req == null ? null : req.host,
        req == null ? null : req.forwardedFor,
        req == null ? null : req.params,
        notes,
        null, null, null, null, null);
    ctx.emit(t);
  }

  static String truncate(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    return s.substring(0, Math.max(0, max - 3)) + "...";
  }

  public static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}
