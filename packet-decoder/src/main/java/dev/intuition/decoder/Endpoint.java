package dev.intuition.decoder;

/** One side of a TCP connection: an IP address in its textual form (RFC 5952 for IPv6) and a port. */
public record Endpoint(String ip, int port) {
  @Override
  public String toString() {
    return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
  }
}
