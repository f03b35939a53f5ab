package dev.intuition.decoder;

import static dev.intuition.decoder.Traffic.ascii;
import static dev.intuition.decoder.Traffic.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.json.TransactionJson;
import dev.intuition.decoder.pcap.SyntheticConnection;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresqlDecodingTest {
  static byte[] msg(char type, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body)
        .array();
  }

  static byte[] cstr(String s) {
    return concat(ascii(s), new byte[] {0});
  }

  static byte[] startup() {
    byte[] params = concat(cstr("user"), cstr("app"), cstr("database"), cstr("shop"), new byte[1]);
    return ByteBuffer.allocate(8 + params.length).putInt(8 + params.length).putInt(196608)
        .put(params).array();
  }

  static byte[] ready() {
    return msg('Z', ascii("I"));
  }

  static byte[] error(String severity, String code) {
    return msg('E', concat(ascii("S"), cstr(severity), ascii("V"), cstr(severity), ascii("C"),
        cstr(code), ascii("M"), cstr("duplicate key"), new byte[1]));
  }

  static void login(SyntheticConnection c) {
    c.client(startup());
    c.server(msg('R', ByteBuffer.allocate(8).putInt(5).put(new byte[] {1, 2, 3, 4}).array()));
    c.client(msg('p', cstr("md5a1b2c3-the-password-hash")));
    c.server(concat(msg('R', new byte[4]), msg('S', concat(cstr("TimeZone"), cstr("UTC"))),
        msg('K', new byte[8]), ready()));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 1448})
  void startupSimpleAndExtendedQueries(int mss) {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(5432).handshake().mss(mss);
    login(c);
    c.client(msg('Q', cstr("SELECT * FROM orders WHERE id < 3")));
    c.server(concat(msg('T', new byte[6]), msg('D', new byte[6]), msg('D', new byte[6]),
        msg('C', cstr("SELECT 2")), ready()));
    // Extended protocol: Parse, Bind, Describe, Execute, Sync is one transaction.
    c.client(concat(msg('P', concat(cstr("s1"), cstr("INSERT INTO orders VALUES ($1)"),
        new byte[2])), msg('B', concat(cstr(""), cstr("s1"), new byte[6])),
        msg('D', concat(ascii("P"), cstr(""))), msg('E', concat(cstr(""), new byte[4])),
        msg('S', new byte[0])));
    c.server(concat(msg('1', new byte[0]), msg('2', new byte[0]), msg('n', new byte[0]),
        error("ERROR", "23505"), ready()));
    // A Bind of the statement prepared earlier shows its SQL.
    c.client(concat(msg('B', concat(cstr(""), cstr("s1"), new byte[6])),
        msg('E', concat(cstr(""), new byte[4])), msg('S', new byte[0])));
    c.server(concat(msg('2', new byte[0]), msg('C', cstr("INSERT 0 1")), ready()));
    c.client(msg('X', new byte[0])).close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(3, ts.size(), ts::toString);
    assertEquals("SELECT", ts.get(0).method());
    assertEquals("orders", ts.get(0).resource());
    assertEquals(2L, ts.get(0).rows());
    assertEquals("OK", ts.get(0).status());
    assertEquals("INSERT INTO orders VALUES ($1)", ts.get(1).query());
    assertEquals("23505", ts.get(1).status());
    assertEquals(Outcome.ERROR, ts.get(1).outcome());
    assertEquals("INSERT INTO orders VALUES ($1)", ts.get(2).query());
    assertEquals(1L, ts.get(2).rows());
    assertEquals(Outcome.OK, ts.get(2).outcome());
    String json = ts.toString() + TransactionJson.toJson(ts.get(0));
    assertFalse(json.contains("password-hash"), "the login is never kept");
  }

  @Test
  void sslRequestAcceptedMeansEncrypted() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(5432).handshake();
    c.client(ByteBuffer.allocate(8).putInt(8).putInt(80877103).array()).server(ascii("S"));
    c.client(new byte[] {22, 3, 1, 0, 5, 1, 0, 0, 1, 0}).close();
    Captures.Decoded d = t.decode();
    assertEquals(List.of(), d.transactions());
    assertEquals(1, d.encrypted().size());
  }

  @Test
  void sslRequestRefusedContinuesInClear() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(5432).handshake();
    c.client(ByteBuffer.allocate(8).putInt(8).putInt(80877103).array()).server(ascii("N"));
    login(c);
    c.client(msg('Q', cstr("select 1"))).server(concat(msg('C', cstr("SELECT 1")), ready()));
    c.close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(1, ts.size(), ts::toString);
    assertEquals("SELECT", ts.get(0).method());
  }

  @Test
  void passwordLiteralsInSqlAreRedacted() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(5432).handshake();
    login(c);
    c.client(msg('Q', cstr("ALTER USER app WITH PASSWORD 'Tr0ub4dor'")))
        .server(concat(msg('C', cstr("ALTER ROLE")), ready())).close();
    Transaction tx = t.decode().transactions().get(0);
    assertEquals("ALTER USER app WITH PASSWORD '[redacted]'", tx.query());
  }

  @Test
  void midStreamJoinDecodesFromTheFirstWholeMessage() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(5432);
    c.server(concat(msg('D', new byte[10]), msg('C', cstr("SELECT 9")), ready()));
    c.client(msg('Q', cstr("select now()"))).server(concat(msg('C', cstr("SELECT 1")), ready()));
    List<Transaction> ts = t.decode().transactions();
    assertTrue(ts.stream().anyMatch(x -> "select now()".equals(x.query())
        && x.outcome() == Outcome.OK && x.notes().isEmpty()), ts::toString);
  }
}
