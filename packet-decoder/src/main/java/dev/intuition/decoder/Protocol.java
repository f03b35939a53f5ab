package dev.intuition.decoder;

import java.util.Locale;

/**
 * Application protocols the decoder recognises. {@link #TLS} is recognised (so the flow is reported as
 * encrypted) but never decoded.
 */
public enum Protocol {
  HTTP, REDIS, POSTGRESQL, MYSQL, TLS;

  /** Computed once: the name is written with every transaction. */
  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The name used in JSON and on the command line: {@code http}, {@code redis}, ... */
  public String wireName() {
    return wireName;
  }

  public static Protocol fromWireName(String name) {
    for (Protocol p : values()) {
      if (p.wireName().equals(name.toLowerCase(Locale.ROOT))
          || (p == POSTGRESQL && name.equalsIgnoreCase("pgsql"))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown protocol '" + name + "' (expected one of http, redis, postgresql, mysql, tls)");
  }
}
