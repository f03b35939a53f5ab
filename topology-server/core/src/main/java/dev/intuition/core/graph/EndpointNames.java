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
    if (t.serverService() != null) {
      return t.serverService();
    }
    if (t.host() != null && !t.host().isBlank()) {
      String h = t.host().trim();
      int colon = h.lastIndexOf(':');
      return colon > 0 && h.indexOf(']') < colon && h.chars().filter(c -> c == ':').count() == 1
          ? h.substring(0, colon) : h;
    }
    return t.server().ip();
  }
}
