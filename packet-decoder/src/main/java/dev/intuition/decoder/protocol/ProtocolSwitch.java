package dev.intuition.decoder.protocol;

/**
 * What a connection switched to that its decoder does not read; the rest of the connection is
 * dropped. An encrypted one is reported as such (counted, and the listener told).
 *
 * @param kind what the connection became
 * @param detail for people: {@code switched protocols (101)}, {@code GSSAPI encryption}
 */
public record ProtocolSwitch(Kind kind, String detail) {
  public enum Kind {
    /** TLS after STARTTLS, SSLRequest or the MySQL SSL flag. */
    TLS(true),
    /** PostgreSQL's GSSAPI encryption. */
    GSSAPI(true),
    /** HTTP 101 Switching Protocols (WebSocket, h2c): another protocol in clear. */
    UPGRADE(false),
    /** An HTTP CONNECT tunnel: whatever the client sends through it. */
    TUNNEL(false),
    /** A stream that is no longer request and response (Redis MONITOR). */
    STREAM(false);

    private final boolean encrypted;

    Kind(boolean encrypted) {
      this.encrypted = encrypted;
    }

    public boolean encrypted() {
      return encrypted;
    }
  }

  public static final ProtocolSwitch TLS = new ProtocolSwitch(Kind.TLS, "TLS");
  public static final ProtocolSwitch GSSAPI = new ProtocolSwitch(Kind.GSSAPI, "GSSAPI encryption");
  public static final ProtocolSwitch UPGRADE = new ProtocolSwitch(Kind.UPGRADE,
      "switched protocols (101)");
  public static final ProtocolSwitch TUNNEL = new ProtocolSwitch(Kind.TUNNEL, "CONNECT tunnel");
  public static final ProtocolSwitch MONITOR = new ProtocolSwitch(Kind.STREAM, "MONITOR stream");

  public boolean encrypted() {
    return kind.encrypted();
  }
}
