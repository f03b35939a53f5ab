package dev.intuition.core.ingest;

/**
 * Whether a text is an IP address literal, checked without any name lookup (unlike
 * {@link java.net.InetAddress#getByName}): IPv4 dotted decimal (four numbers 0-255), or IPv6 in the
 * forms of RFC 4291 section 2.2 (eight groups of up to four hex digits, one "::" standing for zero
 * groups or more, an IPv4 address in place of the last two groups). An address is a node's name when
 * no service is known for it, so anything else is refused at ingest.
 */
final class IpLiteral {
  private IpLiteral() {}

  static boolean valid(String s) {
    return s.length() <= 45 && (s.indexOf(':') >= 0 ? ipv6(s) : ipv4(s, 0, s.length()));
  }

  static boolean ipv4(String s, int from, int to) {
    int parts = 0;
    int i = from;
    while (i <= to) {
      int start = i;
      int value = 0;
      while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return false;
      }
      parts++;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != '.' || parts == 4) {
        return false;
      }
      i++;
    }
    return parts == 4;
  }

  static boolean ipv6(String s) {
    int n = s.length();
    int groups = 0;
    boolean compressed = false;
    int i = 0;
    if (s.startsWith("::")) {
      compressed = true;
      i = 2;
      if (i == n) {
        return true; // "::"
      }
    } else if (s.startsWith(":")) {
      return false;
    }
    while (i < n) {
      int start = i;
      while (i < n && hex(s.charAt(i)) && i - start < 4) {
        i++;
      }
      if (i < n && s.charAt(i) == '.') { // the last 32 bits as IPv4
        return ipv4(s, start, n) && (compressed ? groups <= 5 : groups == 6);
      }
      if (i == start) {
        return false;
      }
      groups++;
      if (i == n) {
        break;
      }
      if (s.charAt(i) != ':') {
        return false;
      }
      i++;
      if (i < n && s.charAt(i) == ':') {
        if (compressed) {
          return false; // "::" at most once
        }
        compressed = true;
        i++;
        if (i == n) {
          break;
        }
      } else if (i == n) {
        return false; // a single trailing colon
      }
    }
    return compressed ? groups <= 7 : groups == 8;
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
