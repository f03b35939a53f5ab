package dev.intuition.decoder;

/** A TCP connection seen from the protocol's point of view: the server is the side that answered. */
public record Connection(Endpoint client, Endpoint server) {
  @Override
  public String toString() {
    return client + " -> " + server;
  }
}
