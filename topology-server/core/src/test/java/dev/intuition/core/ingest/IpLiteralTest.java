package dev.intuition.core.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Addresses are checked as literals (RFC 4291 2.2 for IPv6), without any lookup. */
class IpLiteralTest {
  @Test
  void addressesInEveryTextualFormAreTaken() {
    for (String ok : new String[] {"10.0.0.1", "0.0.0.0", "255.255.255.255", "::", "::1",
        "fe80::1", "2001:db8::8a2e:370:7334", "2001:0db8:0000:0000:0000:ff00:0042:8329",
        "::ffff:192.0.2.128", "64:ff9b::192.0.2.33", "1::", "1:2:3:4:5:6:7::",
        "1:2:3:4:5:6:1.2.3.4"}) {
      assertTrue(IpLiteral.valid(ok), ok);
    }
  }

  @Test
  void namesAndMalformedAddressesAreNot() {
    for (String bad : new String[] {"", "localhost", "10.0.0", "10.0.0.1.2", "256.1.1.1",
        "01.2.3.4", "1.2.3.-4", "10.0.0.1 ", ":::", "1:::2", "1::2::3", "12345::", ":1:2",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "g::1", "1:2:3:4:5:6:7:1.2.3.4", "::1%eth0",
        "<script>", "1.2.3.4/24", "a".repeat(100)}) {
      assertFalse(IpLiteral.valid(bad), bad);
    }
  }
}
