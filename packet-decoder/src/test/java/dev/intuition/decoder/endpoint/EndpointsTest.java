package dev.intuition.decoder.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EndpointsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/users/123/orders|/users/{id}/orders",
      "/users/123/orders/|/users/{id}/orders/",
      "/|/",
      "''|/",
      "/v2/items|/v2/items",
      "/api/v1/index.html|/api/v1/index.html",
      "/orders/550e8400-e29b-41d4-a716-446655440000/lines|/orders/{id}/lines",
      "/blobs/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b|/blobs/{id}",
      "/days/2026-12-02/report|/days/{id}/report",
      "/prices/-4.5|/prices/{id}",
      "/users/alice@example.com|/users/{id}",
      "/s/aZ3kLm9QpR2sT7vWx|/s/{id}",
      "/search?q=42|/search",
      "/a/1?x=2#frag|/a/{id}",
      "/static/app-3f2a.js|/static/app-3f2a.js",
      "/deadbeef01|/{id}",
      "/deadbeef|/deadbeef",
      "/cafe|/cafe",
      "/health|/health",
      "//double//slash|//double//slash",
  })
  void pathTemplates(String path, String expected) {
    assertEquals(expected, Endpoints.path(path));
  }

  @Test
  void longPathsAreBounded() {
    String deep = "/a".repeat(200);
    String shaped = Endpoints.path(deep);
    assertTrue(shaped.endsWith("..."), shaped);
    assertTrue(shaped.length() < 40, shaped);
    String wide = "/" + "word".repeat(100);
    assertTrue(Endpoints.of(http("GET", wide)).length() <= Endpoints.MAX_LENGTH);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SELECT * FROM users WHERE id = 42|SELECT * FROM users WHERE id = ?",
      "select name from t where a = 'x''y' and b = -3.5e10|select name from t where a = ? and b = ?",
      "SELECT * FROM t WHERE id IN (1, 2, 3)|SELECT * FROM t WHERE id IN (?)",
      "SELECT * FROM t WHERE id IN (?,?,?,?)|SELECT * FROM t WHERE id IN (?)",
      "SELECT * FROM t WHERE id IN ($1, $2, $3)|SELECT * FROM t WHERE id IN (?)",
      "INSERT INTO t (a, b) VALUES (1, 'a'), (2, 'b'), (3, 'c')|INSERT INTO t (a, b) VALUES (?)",
      "UPDATE t SET a = a - 1 WHERE id = 7|UPDATE t SET a = a - ? WHERE id = ?",
      "SELECT $tag$ body ; 'quoted' $tag$ AS f|SELECT ? AS f",
      "SELECT a::int FROM t LIMIT 10 OFFSET 20;|SELECT a::int FROM t LIMIT ? OFFSET ?",
      "SELECT x FROM t WHERE y = :name|SELECT x FROM t WHERE y = :name",
  })
  void sqlShapes(String sql, String expected) {
    assertEquals(expected, Endpoints.sqlShape(sql));
  }

  @Test
  void commentsQuotedIdentifiersAndEscapes() {
    assertEquals("SELECT t1.x FROM t1 WHERE x > ?",
        Endpoints.sqlShape("SELECT t1.x FROM t1  \n\t WHERE x > 0x1F -- trailing\n"));
    assertEquals("SELECT \"Col 1\" FROM `tbl` WHERE s = ?",
        Endpoints.sqlShape("/* hint */ SELECT \"Col 1\" FROM `tbl` WHERE s = E'a\\'b'"));
    assertEquals("SELECT ? FROM t", Endpoints.sqlShape("SELECT 'it''s' FROM t"));
  }

  @Test
  void shapesOfDifferentLiteralsAreEqual() {
    assertEquals(Endpoints.sqlShape("SELECT * FROM t WHERE id IN (1,2)"),
        Endpoints.sqlShape("SELECT * FROM t WHERE id IN (5, 6, 7, 8, 9, 10)"));
    assertEquals(Endpoints.sqlShape("INSERT INTO t VALUES (1,'a')"),
        Endpoints.sqlShape("INSERT INTO t VALUES (2,'b'),(3,'c')"));
  }

  @Test
  void anUnterminatedLiteralEndsTheShape() {
    assertEquals("SELECT ?", Endpoints.sqlShape("SELECT 'never closed"));
    assertEquals("SELECT ?", Endpoints.sqlShape("SELECT $$ never closed"));
    assertEquals("SELECT", Endpoints.sqlShape("SELECT /* never closed"));
  }

  @Test
  void perProtocol() {
    assertEquals("GET /users/{id}", Endpoints.of(http("GET", "/users/9")));
    assertEquals(Endpoints.UNKNOWN, Endpoints.of(http(null, null)));
    assertEquals("HGET", Endpoints.of(call(Protocol.REDIS, "hget", "user:1", "HGET user:1 name")));
    assertEquals("SELECT * FROM t WHERE id = ?",
        Endpoints.of(call(Protocol.POSTGRESQL, "SELECT", "t", "SELECT * FROM t WHERE id = 1")));
    assertEquals("PING", Endpoints.of(call(Protocol.MYSQL, "PING", null, null)));
    assertEquals("HANDSHAKE", Endpoints.of(call(Protocol.TLS, "HANDSHAKE", null, null)));
    assertEquals(Endpoints.UNKNOWN, Endpoints.of(call(Protocol.MYSQL, null, null, " ")));
  }

  @Test
  void everyEndpointIsBounded() {
    String sql = "SELECT " + "column_name_that_is_long, ".repeat(300) + "x FROM t";
    String shaped = Endpoints.of(call(Protocol.POSTGRESQL, "SELECT", "t", sql));
    assertEquals(Endpoints.MAX_LENGTH, shaped.length());
    assertTrue(shaped.endsWith("..."));
  }

  static Transaction http(String method, String path) {
    return call(Protocol.HTTP, method, path, method == null ? null : method + " " + path);
  }

  static Transaction call(Protocol p, String method, String resource, String query) {
    return new Transaction(p, new Endpoint("10.0.0.1", 40000), new Endpoint("10.0.0.2", 80), null,
        null, 100L, method, resource, query, "OK", Outcome.OK, 1, 1, null, null, null, null,
        List.of(), null, null, null, null, null);
  }
}
