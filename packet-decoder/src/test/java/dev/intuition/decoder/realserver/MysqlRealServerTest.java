package dev.intuition.decoder.realserver;

import static dev.intuition.decoder.Outcome.ERROR;
import static dev.intuition.decoder.Outcome.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real MariaDB 10.11 in a network namespace on port 13306 (found by content), driven by MariaDB
 * Connector/J (text protocol, and binary prepared statements sent pipelined: COM_STMT_PREPARE then
 * COM_STMT_EXECUTE without waiting) and by the mysql client, captured by tcpdump: the transactions
 * match the sessions one for one.
 */
@Tag("root")
class MysqlRealServerTest {
  private static final String URL = "jdbc:mariadb://" + Testbed.HOST + ":13306/shop";

  @BeforeAll
  static void servers() {
    Testbed.up();
  }

  private static int count(ResultSet rs) throws SQLException {
    int n = 0;
    while (rs.next()) {
      n++;
    }
    return n;
  }

  @Test
  void connectorJ_textAndServerPreparedStatementsErrorsAndLargeResult() throws Exception {
    Expected expected = new Expected();
    Captures.Decoded decoded;
    List<String> setup;
    try (Testbed.Capture capture = new Testbed.Capture("tcp port 13306")) {
      try (Connection c = DriverManager.getConnection(URL + "?useServerPrepStmts=true", "app",
          "my-pw"); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS items");
        expected.query("DROP", "DROP TABLE IF EXISTS items", "OK", OK);
        s.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40))");
        expected.query("CREATE", "CREATE TABLE items", "OK", OK);
        try (PreparedStatement insert = c.prepareStatement(
            "INSERT INTO items (id, name) VALUES (?, ?)")) {
          for (int i = 1; i <= 5; i++) {
            insert.setInt(1, i);
            insert.setString(2, "item-" + i);
            insert.executeUpdate();
            if (i == 1) { // prepared once, then executed
              expected.query("INSERT", "INSERT INTO items (id, name)", "OK", OK);
            }
            expected.query("INSERT", "INSERT INTO items (id, name)", "OK", OK, 1);
          }
          insert.setInt(1, 1);
          insert.setString(2, "duplicate");
          SQLException e = assertThrows(SQLException.class, insert::executeUpdate);
          assertEquals(1062, e.getErrorCode());
          expected.query("INSERT", "INSERT INTO items", "1062 (23000)", ERROR);
        }
        s.execute("INSERT INTO items SELECT seq, CONCAT('bulk-', seq) FROM seq_100_to_5099");
        expected.query("INSERT", "seq_100_to_5099", "OK", OK, 5000);
        try (ResultSet rs = s.executeQuery("SELECT id, name FROM items ORDER BY id")) {
          assertEquals(5005, count(rs));
        }
        expected.query("SELECT", "SELECT id, name FROM items", "OK", OK, 5005);
        try (PreparedStatement select = c.prepareStatement("SELECT name FROM items WHERE id < ?")) {
          select.setInt(1, 4);
          try (ResultSet rs = select.executeQuery()) {
            assertEquals(3, count(rs));
          }
          expected.query("SELECT", "SELECT name FROM items WHERE id < ?", "OK", OK);
          expected.query("SELECT", "SELECT name FROM items WHERE id < ?", "OK", OK, 3);
        }
        SQLException missing = assertThrows(SQLException.class,
            () -> s.executeQuery("SELECT * FROM no_such_table"));
        assertEquals(1146, missing.getErrorCode());
        expected.query("SELECT", "no_such_table", "1146 (42S02)", ERROR);
      }
      decoded = capture.stop();
    }
    List<Transaction> ts = decoded.transactions();
    ts.forEach(t -> assertEquals(Protocol.MYSQL, t.protocol()));
    // Connector/J's own statements when it connects come first; everything after is the script's.
    int first = 0;
    while (first < ts.size() && !"DROP TABLE IF EXISTS items".equals(ts.get(first).query())) {
      first++;
    }
    setup = ts.subList(0, first).stream().map(Transaction::query).toList();
    assertEquals(1, setup.size(), "one setup statement from the driver: " + setup);
    expected.assertMatches(ts.subList(first, ts.size()), t -> false);
    String all = ts.stream().map(TransactionJson::toJson).reduce("", String::concat);
    assertFalse(all.contains("my-pw"), "the password never appears");
  }

  @Test
  void mysqlClientSession() throws Exception {
    Expected expected = new Expected();
    Captures.Decoded decoded;
    Predicate<Transaction> clientChatter = t -> "select @@version_comment limit 1".equals(t.query());
    try (Testbed.Capture capture = new Testbed.Capture("tcp port 13306")) {
      mysql("SELECT COUNT(*) FROM information_schema.tables");
      expected.query("SELECT", "information_schema.tables", "OK", OK, 1);
      mysql("SELECT * FROM nope");
      expected.query("SELECT", "nope", "1146 (42S02)", ERROR);
      mysql("DO SLEEP(0.05)");
      expected.query("DO", "SLEEP", "OK", OK);
      decoded = capture.stop();
    }
    expected.assertMatches(decoded.transactions(), clientChatter);
  }

  private static void mysql(String sql) {
    Testbed.exec(List.of("mysql", "--no-defaults", "-h", Testbed.HOST, "-P", "13306", "-u", "app",
        "-pmy-pw", "shop", "-e", sql));
  }
}
