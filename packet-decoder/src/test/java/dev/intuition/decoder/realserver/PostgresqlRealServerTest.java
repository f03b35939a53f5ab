package dev.intuition.decoder.realserver;

import static dev.intuition.decoder.Outcome.ERROR;
import static dev.intuition.decoder.Outcome.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Captures;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.json.TransactionJson;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real PostgreSQL 15 in a network namespace, driven by the JDBC driver (extended protocol, server-side
 * prepared statements after five executions, SSLRequest refused by a server without SSL) and by psql
 * (simple protocol), captured by tcpdump: the transactions match the sessions one for one.
 */
@Tag("root")
class PostgresqlRealServerTest {
  private static final String URL = "jdbc:postgresql://" + Testbed.HOST + ":5432/shop";

  /** What pgjdbc runs by itself right after connecting. */
  private static final Predicate<Transaction> PGJDBC_SETUP = t -> t.query() != null
      && (t.query().startsWith("SET extra_float_digits") || t.query().startsWith(
          "SET application_name"));

  @BeforeAll
  static void servers() {
    Testbed.up();
  }

  @Test
  void jdbcSession_extendedProtocolPreparedStatementsErrorsAndLargeResult() throws Exception {
    Expected expected = new Expected();
    Captures.Decoded decoded;
    try (Testbed.Capture capture = new Testbed.Capture("tcp port 5432")) {
      try (Connection c = DriverManager.getConnection(URL, "app", "pg-pw");
          Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS orders");
        expected.query("DROP", "DROP TABLE IF EXISTS orders", "OK", OK);
        s.execute("CREATE TABLE orders (id int PRIMARY KEY, item text, qty int)");
        expected.query("CREATE", "CREATE TABLE orders", "OK", OK);
        try (PreparedStatement insert = c.prepareStatement(
            "INSERT INTO orders (id, item, qty) VALUES (?, ?, ?)")) {
          // pgjdbc switches to a named server-side statement after 5 executions: later Binds carry
          // no SQL, and the decoder must recall it from the earlier Parse.
          for (int i = 1; i <= 8; i++) {
            insert.setInt(1, i);
            insert.setString(2, "item-" + i);
            insert.setInt(3, i * 10);
            assertEquals(1, insert.executeUpdate());
            expected.query("INSERT", "INSERT INTO orders (id, item, qty)", "OK", OK, 1);
          }
          insert.setInt(1, 1);
          insert.setString(2, "duplicate");
          insert.setInt(3, 0);
          SQLException e = assertThrows(SQLException.class, insert::executeUpdate);
          assertEquals("23505", e.getSQLState());
          expected.query("INSERT", "INSERT INTO orders", "23505", ERROR);
        }
        s.execute("INSERT INTO orders SELECT g, 'bulk-' || g, g FROM generate_series(100, 20099) g");
        expected.query("INSERT", "generate_series", "OK", OK, 20000);
        try (ResultSet rs = s.executeQuery("SELECT id, item, qty FROM orders ORDER BY id")) {
          int n = 0;
          while (rs.next()) {
            n++;
          }
          assertEquals(20008, n);
        }
        expected.query("SELECT", "SELECT id, item, qty FROM orders", "OK", OK, 20008);
        SQLException syntax = assertThrows(SQLException.class, () -> s.execute("SELEC 1"));
        assertEquals("42601", syntax.getSQLState());
        expected.query("SELEC", "SELEC 1", "42601", ERROR);
        s.execute("UPDATE orders SET qty = qty + 1 WHERE id < 100");
        expected.query("UPDATE", "UPDATE orders", "OK", OK, 8);
      }
      decoded = capture.stop();
    }
    List<Transaction> ts = decoded.transactions();
    ts.forEach(t -> assertEquals(Protocol.POSTGRESQL, t.protocol()));
    assertTrue(ts.stream().filter(t -> "INSERT".equals(t.method())).allMatch(t -> "orders".equals(
        t.resource())));
    expected.assertMatches(ts, PGJDBC_SETUP);
    String all = ts.stream().map(TransactionJson::toJson).reduce("", String::concat);
    assertFalse(all.contains("pg-pw"), "the password never appears");
  }

  @Test
  void psqlSession_simpleProtocolAndErrors() throws Exception {
    Expected expected = new Expected();
    Captures.Decoded decoded;
    try (Testbed.Capture capture = new Testbed.Capture("tcp port 5432")) {
      psql("SELECT count(*) FROM pg_class");
      expected.query("SELECT", "pg_class", "OK", OK, 1);
      psql("SELECT * FROM no_such_table");
      expected.query("SELECT", "no_such_table", "42P01", ERROR);
      psql("CREATE TEMP TABLE t (a int); INSERT INTO t VALUES (1), (2); SELECT * FROM t");
      expected.query("CREATE", "CREATE TEMP TABLE", "OK", OK);
      decoded = capture.stop();
    }
    expected.assertMatches(decoded.transactions(), t -> false);
  }

  private static void psql(String sql) {
    ProcessBuilder pb = new ProcessBuilder("psql", "-h", Testbed.HOST, "-U", "app", "-d", "shop",
        "-X", "-q", "-c", sql);
    pb.environment().putAll(Map.of("PGPASSWORD", "pg-pw", "PGSSLMODE", "disable"));
    try {
      Process p = pb.redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor();
    } catch (Exception e) {
      throw new AssertionError("psql failed to run", e);
    }
  }
}
