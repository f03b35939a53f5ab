package dev.intuition.decoder;

/**
 * Receives what the decoder makes of the traffic. Called on the decoding thread, in capture order of the
 * response (or of the event that completed the transaction).
 */
public interface TransactionListener {
  void transaction(Transaction transaction);

  /** A connection recognised as TLS (or upgraded to it): counted and reported, never decoded. */
  default void encryptedConnection(Connection connection, String serverName) {}
}
