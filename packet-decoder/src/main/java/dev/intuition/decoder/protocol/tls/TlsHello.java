package dev.intuition.decoder.protocol.tls;

import java.nio.charset.StandardCharsets;

/**
 * Recognises the first TLS record of a connection (RFC 8446 5.1, 4.1.2) so that the flow is reported as
 * encrypted, and reads the server name (SNI, RFC 6066 3) from a ClientHello when it is whole.
 *
 * <pre>
 *   record:    type(1)=22 handshake | version(2)=3.x | length(2)
 *   handshake: msg_type(1) 1=ClientHello 2=ServerHello | length(3) | ...
 * </pre>
 */
public final class TlsHello {
  private TlsHello() {}

  public static boolean looksLikeClientHello(byte[] b, int off, int len) {
    return isHandshake(b, off, len) && b[off + 5] == 1;
  }

  public static boolean looksLikeServerHello(byte[] b, int off, int len) {
    return isHandshake(b, off, len) && b[off + 5] == 2;
  }

  private static boolean isHandshake(byte[] b, int off, int len) {
    return len >= 6 && b[off] == 22 && b[off + 1] == 3 && (b[off + 2] & 0xFF) <= 4
        && be16(b, off + 3) >= 4;
  }

  /** The SNI host name of a ClientHello, or null when absent or not entirely captured. */
  public static String serverName(byte[] b, int off, int len) {
    try {
      int end = Math.min(off + len, off + 5 + be16(b, off + 3));
      int p = off + 5 + 4; // record header, handshake header
      p += 2 + 32; // client_version, random
      p += 1 + (b[p] & 0xFF); // session id
      p += 2 + be16(b, p); // cipher suites
      p += 1 + (b[p] & 0xFF); // compression methods
      int extEnd = Math.min(end, p + 2 + be16(b, p));
      p += 2;
      while (p + 4 <= extEnd) {
        int type = be16(b, p);
        int extLen = be16(b, p + 2);
        p += 4;
        if (type == 0 && p + 5 <= extEnd) { // server_name: list length, type 0 host_name, length
          int nameLen = be16(b, p + 3);
          if (b[p + 2] == 0 && p + 5 + nameLen <= extEnd) {
            return new String(b, p + 5, nameLen, StandardCharsets.US_ASCII);
          }
          return null;
        }
        p += extLen;
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      return null; // a truncated hello: no name
    }
    return null;
  }

  private static int be16(byte[] b, int p) {
    return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
  }
}
