package dev.intuition.decoder.protocol;

import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.protocol.http.HttpDecoder;
import dev.intuition.decoder.protocol.mysql.MysqlDecoder;
import dev.intuition.decoder.protocol.postgresql.PostgresqlDecoder;
import dev.intuition.decoder.protocol.redis.RedisDecoder;
import dev.intuition.decoder.protocol.tls.TlsHello;
import java.util.Map;

/**
 * Finds a connection's protocol and which side is the server, so that Redis on 6380 or MySQL on 13001
 * need no configuration: ports forced by the user first, then a TLS handshake in either direction,
 * then well-known ports, then the first bytes of each direction.
 */
public final class ProtocolDetector {
  /** The verdict: a protocol, and whether endpoint A (the first sender seen) is the client. */
  public record Detection(Protocol protocol, boolean aIsClient) {}

  private static final Map<Integer, Protocol> WELL_KNOWN = Map.of(
      80, Protocol.HTTP,
      8080, Protocol.HTTP,
      6379, Protocol.REDIS,
      5432, Protocol.POSTGRESQL,
      3306, Protocol.MYSQL,
      443, Protocol.TLS);

  private final Map<Integer, Protocol> forced;

  public ProtocolDetector(Map<Integer, Protocol> forced) {
    this.forced = forced;
  }

  /**
   * Decides from what is known so far, or returns null to wait for more bytes.
   *
   * @param aOpened true / false when the handshake showed A / B opening, null when unknown
   */
  public Detection detect(int portA, int portB, Boolean aOpened, byte[] a, int aLen, byte[] b,
      int bLen) {
    Detection byPort = byPort(forced, portA, portB, aOpened);
    if (byPort != null) {
      return byPort;
    }
    if (aLen > 0 && TlsHello.looksLikeClientHello(a, 0, aLen)) {
      return new Detection(Protocol.TLS, true);
    }
    if (bLen > 0 && TlsHello.looksLikeClientHello(b, 0, bLen)) {
      return new Detection(Protocol.TLS, false);
    }
    byPort = byPort(WELL_KNOWN, portA, portB, aOpened);
    if (byPort != null) {
      return byPort;
    }
    Detection d = byContent(a, aLen, true);
    if (d == null) {
      d = byContent(b, bLen, false);
    }
    if (d != null && aOpened != null) {
      return new Detection(d.protocol(), aOpened); // the handshake knows best who is the client
    }
    return d;
  }

  private static Detection byPort(Map<Integer, Protocol> ports, int portA, int portB,
      Boolean aOpened) {
    if (aOpened != null) { // the server is the side that did not open the connection
      Protocol p = ports.get(aOpened ? portB : portA);
      return p == null ? null : new Detection(p, aOpened);
    }
    Protocol onA = ports.get(portA);
    Protocol onB = ports.get(portB);
    if (onB != null && (onA == null || portB <= portA)) {
      return new Detection(onB, true);
    }
    return onA == null ? null : new Detection(onA, false);
  }

  /** What the first bytes one side sent say; {@code fromA} tells whose bytes they are. */
  private static Detection byContent(byte[] d, int len, boolean fromA) {
    if (len <= 0) {
      return null;
    }
    if (TlsHello.looksLikeServerHello(d, 0, len)) {
      return new Detection(Protocol.TLS, !fromA);
    }
    if (HttpDecoder.looksLikeRequestStart(d, 0, len)) {
      return new Detection(Protocol.HTTP, fromA);
    }
    if (HttpDecoder.looksLikeResponseStart(d, 0, len)) {
      return new Detection(Protocol.HTTP, !fromA);
    }
    if (RedisDecoder.looksLikeCommand(d, 0, len)) {
      return new Detection(Protocol.REDIS, fromA);
    }
    if (PostgresqlDecoder.looksLikeFrontend(d, 0, len)) {
      return new Detection(Protocol.POSTGRESQL, fromA);
    }
    if (MysqlDecoder.looksLikeGreeting(d, 0, len)) {
      return new Detection(Protocol.MYSQL, !fromA);
    }
    if (MysqlDecoder.looksLikeCommand(d, 0, len)) {
      return new Detection(Protocol.MYSQL, fromA);
    }
    if (PostgresqlDecoder.looksLikeBackend(d, 0, len)) {
      return new Detection(Protocol.POSTGRESQL, !fromA);
    }
    if (MysqlDecoder.looksLikeResponse(d, 0, len)) {
      return new Detection(Protocol.MYSQL, !fromA);
    }
    if (RedisDecoder.looksLikeReply(d, 0, len)) {
      return new Detection(Protocol.REDIS, !fromA);
    }
    return null;
  }
}
