package dev.intuition.server.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may read the graph, with no framework: off (anyone who reaches the port, as in
 * {@code ./intuition demo}), or a viewer token, or an identity header set by a trusted reverse proxy,
 * or both. The viewer token is presented as {@code Authorization: Bearer TOKEN} (scripts, Prometheus)
 * or once on the login page, which sets a cookie holding an HMAC of a fixed text keyed by the token
 * (so the cookie is not the token, and changing the token ends every session). The agents' token is a
 * different secret and is never accepted here; a configuration where the two are equal is refused.
 */
public final class ViewerAuth {
  public static final String COOKIE = "intuition_viewer";
  private static final byte[] SESSION_TEXT = "intuition viewer session v1"
      .getBytes(StandardCharsets.UTF_8);

  /** An address range of trusted proxies: an address and a prefix length. */
  record Cidr(byte[] network, int prefix) {
    static Cidr parse(String text) {
      String t = text.trim();
      int slash = t.indexOf('/');
      try {
        byte[] addr = InetAddress.getByName(literal(slash < 0 ? t : t.substring(0, slash)))
            .getAddress();
        int prefix = slash < 0 ? addr.length * 8 : Integer.parseInt(t.substring(slash + 1));
        if (prefix < 0 || prefix > addr.length * 8) {
          throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        }
        return new Cidr(addr, prefix);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("intuition.viewer.trusted-proxies: '" + text
            + "' is not an address or address/prefix");
      }
    }

    /** Only literals: a name here would mean a lookup at every request. */
    private static String literal(String s) {
      if (s.isEmpty() || !(Character.isDigit(s.charAt(0)) || s.indexOf(':') >= 0)) {
        throw new IllegalArgumentException("intuition.viewer.trusted-proxies: '" + s
            + "' is not an IP address");
      }
      return s;
    }

    boolean contains(byte[] addr) {
      if (addr.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (addr[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      return rest == 0 || ((addr[full] ^ network[full]) & (0xff << (8 - rest)) & 0xff) == 0;
    }
  }

  private final byte[] token;
  private final String cookieValue;
  private final String trustedHeader;
  private final List<Cidr> trustedProxies;

  /**
   * @param viewerToken the viewers' shared secret; null or blank for none
   * @param agentToken the agents' token, which must differ
   * @param trustedHeader a header naming the user, set by a reverse proxy; null for none
   * @param trustedProxies the addresses that header is believed from
   */
  public ViewerAuth(String viewerToken, String agentToken, String trustedHeader,
      List<String> trustedProxies) {
    String t = viewerToken == null || viewerToken.isBlank() ? null : viewerToken.trim();
    if (t != null && t.equals(agentToken)) {
      throw new IllegalArgumentException("intuition.viewer.token must differ from the agents' "
          + "token (INTUITION_TOKEN): an agent's secret must not open the graph to readers");
    }
    if (t != null && t.length() < 8) {
      throw new IllegalArgumentException("intuition.viewer.token must be at least 8 characters");
    }
    this.token = t == null ? null : t.getBytes(StandardCharsets.UTF_8);
    this.cookieValue = t == null ? null : hmac(this.token);
    this.trustedHeader = trustedHeader == null || trustedHeader.isBlank() ? null
        : trustedHeader.trim();
    List<Cidr> proxies = new ArrayList<>();
    for (String p : trustedProxies) {
      if (!p.isBlank()) {
        proxies.add(Cidr.parse(p));
      }
    }
    this.trustedProxies = List.copyOf(proxies);
  }

  /** Whether readers must prove who they are. */
  public boolean enabled() {
    return token != null || trustedHeader != null;
  }

  public boolean hasToken() {
    return token != null;
  }

  /**
   * Whether a request may read: its bearer token, its session cookie, or the trusted header from a
   * trusted proxy.
   *
   * @param authorization the Authorization header, or null
   * @param cookie the session cookie's value, or null
   * @param remoteAddress the peer's address (the proxy's, behind one)
   * @param headerValue the trusted header's value, or null
   */
  public boolean allows(String authorization, String cookie, String remoteAddress,
      String headerValue) {
    if (!enabled()) {
      return true;
    }
    if (token != null && authorization != null && authorization.regionMatches(true, 0, "Bearer ",
        0, 7) && MessageDigest.isEqual(token,
        authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
      return true;
    }
    if (cookieValue != null && cookie != null && MessageDigest.isEqual(
        cookieValue.getBytes(StandardCharsets.US_ASCII), cookie.getBytes(StandardCharsets.UTF_8))) {
      return true;
    }
    return trustedHeader != null && headerValue != null && !headerValue.isBlank()
        && fromTrustedProxy(remoteAddress);
  }

  /** The header a trusted proxy names the user in, or null. */
  public String trustedHeader() {
    return trustedHeader;
  }

  boolean fromTrustedProxy(String remoteAddress) {
    if (remoteAddress == null || remoteAddress.isEmpty()) {
      return false;
    }
    byte[] addr;
    try {
      addr = InetAddress.getByName(Cidr.literal(remoteAddress)).getAddress();
    } catch (UnknownHostException | IllegalArgumentException e) {
      return false;
    }
    for (Cidr c : trustedProxies) {
      if (c.contains(addr)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a token typed on the login page is the viewer token. */
  public boolean tokenMatches(String presented) {
    return token != null && presented != null && MessageDigest.isEqual(token,
        presented.trim().getBytes(StandardCharsets.UTF_8));
  }

  /** The session cookie's value after a good login. */
  public String sessionCookie() {
    return cookieValue;
  }

  private static String hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(SESSION_TEXT));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }
}
