package dev.intuition.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may read: the viewer token, its session cookie, or a trusted proxy's header; nobody else. */
class ViewerAuthTest {
  @Test
  void offByDefault() {
    ViewerAuth off = new ViewerAuth("", "agents", null, List.of());
    assertFalse(off.enabled());
    assertTrue(off.allows(null, null, "203.0.113.9", null));
  }

  @Test
  void theViewerTokenOrItsCookieLetsIn_theAgentTokenNever() {
    ViewerAuth auth = new ViewerAuth("viewer-secret", "agent-secret", null, List.of());
    assertTrue(auth.allows("Bearer viewer-secret", null, "10.0.0.1", null));
    assertTrue(auth.allows("bearer viewer-secret", null, "10.0.0.1", null));
    assertFalse(auth.allows("Bearer agent-secret", null, "10.0.0.1", null));
    assertFalse(auth.allows("Bearer viewer-secre", null, "10.0.0.1", null));
    assertFalse(auth.allows("Basic dmlld2VyLXNlY3JldA==", null, "10.0.0.1", null));
    assertTrue(auth.allows(null, auth.sessionCookie(), "10.0.0.1", null));
    assertNotEquals("viewer-secret", auth.sessionCookie(), "the cookie is not the token");
    assertFalse(auth.allows(null, "viewer-secret", "10.0.0.1", null));
    ViewerAuth rotated = new ViewerAuth("another-secret", "agent-secret", null, List.of());
    assertFalse(rotated.allows(null, auth.sessionCookie(), "10.0.0.1", null),
        "a new token ends the old sessions");
    assertThrows(IllegalArgumentException.class,
        () -> new ViewerAuth("same-secret", "same-secret", null, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> new ViewerAuth("short", "agent-secret", null, List.of()));
  }

  @Test
  void aTrustedHeaderCountsOnlyFromTrustedProxies() {
    ViewerAuth auth = new ViewerAuth(null, "agents", "X-Forwarded-User",
        List.of("127.0.0.1", "10.10.0.0/16", "fd00::/8"));
    assertTrue(auth.enabled());
    assertTrue(auth.allows(null, null, "127.0.0.1", "alice"));
    assertTrue(auth.allows(null, null, "10.10.200.3", "alice"));
    assertTrue(auth.allows(null, null, "fd12::5", "alice"));
    assertFalse(auth.allows(null, null, "10.11.0.1", "alice"), "outside the range");
    assertFalse(auth.allows(null, null, "127.0.0.1", ""), "no user named");
    assertFalse(auth.allows(null, null, "127.0.0.1", null));
    assertFalse(auth.allows(null, null, "fe80::1", "alice"));
    assertThrows(IllegalArgumentException.class,
        () -> new ViewerAuth(null, "agents", "X-User", List.of("proxy.example.com")));
    assertThrows(IllegalArgumentException.class,
        () -> new ViewerAuth(null, "agents", "X-User", List.of("10.0.0.0/33")));
  }

  @Test
  void loginRedirectsOnlyWithinTheServer() {
    assertEquals("/", LoginController.safe(null));
    assertEquals("/?selected=web", LoginController.safe("/?selected=web"));
    assertEquals("/", LoginController.safe("//evil.example/"));
    assertEquals("/", LoginController.safe("https://evil.example/"));
    assertEquals("/", LoginController.safe("/\\evil.example"));
    assertEquals("/", LoginController.safe("/\r\nSet-Cookie: x=1"));
  }
}
