package dev.intuition.server.stream;

import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.Executor;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * One browser on the stream, sent to without ever blocking the others: one message is in flight at
 * a time, written asynchronously; while it is, the next update waits in a slot of one (each update is
 * a whole graph, so a newer one replaces an older one that was not sent yet). A viewer whose message
 * stays in flight while more than {@code maxBehind} updates pass (a laptop lid closed on a slow
 * link, a tab that stopped reading) is closed with close code {@value #TOO_SLOW} and a reason that
 * says so; the page reconnects by itself. Closing, which may wait on a stuck connection, happens on
 * {@code closer}, never on the thread that sends to everyone.
 */
final class Viewer {
  /** The close code of a viewer that fell behind (4000-4999: for applications, RFC 6455 7.4.2). */
  static final int TOO_SLOW = 4000;
  /** How long a close frame may wait on a stuck connection before it is dropped (ms). */
  static final long CLOSE_TIMEOUT_MILLIS = 2000;

  private final WebSocketSession session;
  private final Session remote;
  private final int maxBehind;
  private final Executor closer;
  private final GraphStream.Format format;
  private boolean sending;
  private String waiting;
  private int behind;
  private boolean closed;
  private long sent;

  Viewer(WebSocketSession session, int maxBehind, long sendTimeoutMillis, Executor closer,
      GraphStream.Format format) {
    this.session = session;
    this.format = format;
    this.remote = nativeSession(session);
    this.maxBehind = maxBehind;
    this.closer = closer;
    if (remote != null) {
      remote.getAsyncRemote().setSendTimeout(sendTimeoutMillis);
      remote.getUserProperties().put("org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT",
          CLOSE_TIMEOUT_MILLIS);
    }
  }

  private static Session nativeSession(WebSocketSession s) {
    try {
      return ((org.springframework.web.socket.adapter.NativeWebSocketSession) s)
          .getNativeSession(Session.class);
    } catch (ClassCastException e) {
      return null;
    }
  }

  String id() {
    return session.getId();
  }

  GraphStream.Format format() {
    return format;
  }

  /** Hands an update over; returns at once. */
  synchronized void offer(String text) {
    if (closed) {
      return;
    }
    if (!sending) {
      sending = true;
      send(text);
      return;
    }
    if (waiting != null) {
      behind++;
    }
    waiting = text;
    if (behind >= maxBehind) {
      close(new CloseStatus(TOO_SLOW, "too slow: " + (behind + 1) + " updates behind; reconnect"));
    }
  }

  private void send(String text) {
    if (remote == null) { // not Tomcat's session (tests with other containers): a blocking send
      try {
        session.sendMessage(new org.springframework.web.socket.TextMessage(text));
        sent++;
        sending = false;
      } catch (IOException | RuntimeException e) {
        close(CloseStatus.SESSION_NOT_RELIABLE);
      }
      return;
    }
    try {
      remote.getAsyncRemote().sendText(text, this::sent);
    } catch (RuntimeException e) { // closed under us
      close(CloseStatus.SESSION_NOT_RELIABLE);
    }
  }

  private synchronized void sent(SendResult result) {
    if (closed) {
      return;
    }
    if (!result.isOK()) {
      close(new CloseStatus(TOO_SLOW, "the update could not be sent in time; reconnect"));
      return;
    }
    sent++;
    if (waiting != null) {
      String next = waiting;
      waiting = null;
      behind = 0;
      send(next);
    } else {
      sending = false;
    }
  }

  synchronized boolean closed() {
    return closed;
  }

  synchronized long sent() {
    return sent;
  }

  private void close(CloseStatus status) {
    if (closed) {
      return;
    }
    closed = true;
    waiting = null;
    closer.execute(() -> {
      try {
        session.close(status);
      } catch (IOException | RuntimeException e) {
        // the connection is gone already
      }
    });
  }
}
