package dev.intuition.decoder;

import java.util.Locale;

/**
 * The meaning of a transaction's result, the same across protocols (DESIGN.md): HTTP 1xx-3xx ok, 4xx
 * warning, 5xx error; a Redis error reply, PostgreSQL ErrorResponse or MySQL ERR packet error; a request
 * that never got its response error; a response whose request was not seen warning.
 */
public enum Outcome {
  OK, WARNING, ERROR;

  /** Computed once: the name is written with every transaction. */
  private final String wireName = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wireName;
  }

  public static Outcome fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
