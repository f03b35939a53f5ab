package dev.intuition.core.graph;

import dev.intuition.decoder.Transaction;

/**
 * Names the ends of a call when the agent could not (DESIGN.md): a server that is no known container
 * is external, named by the HTTP Host it was called as, else by its IP; a client that is no known
 * container is {@value #INTERNET}, a caller from outside.
 */
public final class EndpointNames {
  public static final String INTERNET = "INTERNET";

  private EndpointNames() {}

  public static String client(Transaction t) {
    return t.clientService() != null ? t.clientService() : INTERNET;
  }

  public static String server(Transaction t) {
    return server(t.serverService(), t.host(), t.server() == null ? null : t.server().ip());
  }

  /** The client's name: its service, else {@value #INTERNET}. */
  public static String client(String service) {
    return service != null ? service : INTERNET;
  }

  /** The server's name: its service, else the HTTP Host it was called as, else its IP. */
  public static String server(String service, String host, String ip) {
    if (service != null) {
      return service;
    }
    if (host != null && !host.isBlank()) {
      String h = host.trim();
      int colon = h.lastIndexOf(':');
      return colon > 0 && h.indexOf(']') < colon && h.chars().filter(c -> c == ':').count() == 1
          ? h.substring(0, colon) : h;
    }
    return ip;
  }
}
