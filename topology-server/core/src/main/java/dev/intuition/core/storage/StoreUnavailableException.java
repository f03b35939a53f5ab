package dev.intuition.core.storage;

/** The storage could not be read (Elasticsearch down, say); the API answers 503. */
public class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
