package dev.intuition.decoder;

import static dev.intuition.decoder.Traffic.ascii;
import static dev.intuition.decoder.Traffic.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.pcap.SyntheticConnection;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MysqlDecodingTest {
  static final int DEPRECATE_EOF = 0x0100_0000;

  static byte[] packet(int seq, byte[] payload) {
    byte[] p = new byte[4 + payload.length];
    p[0] = (byte) payload.length;
    p[1] = (byte) (payload.length >>> 8);
    p[2] = (byte) (payload.length >>> 16);
    p[3] = (byte) seq;
    System.arraycopy(payload, 0, p, 4, payload.length);
    return p;
  }

  static byte[] greeting() {
    return packet(0, concat(new byte[] {10}, ascii("8.0.36\0"), new byte[4], ascii("saltsalt"),
        new byte[] {0, (byte) 0xff, (byte) 0xf7, 8, 2, 0, (byte) 0xff, (byte) 0xdf, 21},
        new byte[10], ascii("moresaltmore\0"), ascii("caching_sha2_password\0")));
  }

  static byte[] login(int caps) {
    return packet(1, concat(new byte[] {(byte) caps, (byte) (caps >>> 8), (byte) (caps >>> 16),
        (byte) (caps >>> 24)}, new byte[] {0, 0, 0, 1, 33}, new byte[23], ascii("app\0"),
        new byte[] {20}, ascii("0123456789abcdefghij"), ascii("shop\0")));
  }

  static byte[] ok(int seq, int affected) {
    return packet(seq, new byte[] {0, (byte) affected, 0, 2, 0, 0, 0});
  }

  static byte[] eof(int seq) {
    return packet(seq, new byte[] {(byte) 0xfe, 0, 0, 2, 0});
  }

  static byte[] query(int cmd, String sql) {
    return packet(0, concat(new byte[] {(byte) cmd}, ascii(sql)));
  }

  /** A result set of {@code rows} rows of one column, old style (EOF after definitions). */
  static byte[] resultSet(int rows, boolean deprecateEof) {
    byte[] out = concat(packet(1, new byte[] {1}), packet(2, ascii("\3def\0\0\0\1a\0\14")));
    int seq = 3;
    if (!deprecateEof) {
      out = concat(out, eof(seq++));
    }
    for (int i = 0; i < rows; i++) {
      out = concat(out, packet(seq++, ascii("\5value")));
    }
    return concat(out, deprecateEof
        ? packet(seq, new byte[] {(byte) 0xfe, 0, 0, 2, 0, 0, 0}) : eof(seq));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 1448})
  void handshakeQueriesPreparedStatementsAndErrors_onPort13001(int mss) {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(13001).handshake().mss(mss);
    c.server(greeting()).client(login(0x000fa685)).server(ok(2, 0));
    c.client(query(3, "SELECT a FROM items")).server(resultSet(3, false));
    c.client(query(0x16, "UPDATE items SET a = ? WHERE id = ?"));
    c.server(concat(packet(1, new byte[] {0, 7, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0}),
        packet(2, ascii("\3def")), packet(3, ascii("\3def")), eof(4)));
    c.client(packet(0, new byte[] {0x17, 7, 0, 0, 0, 0, 1, 0, 0, 0})).server(ok(1, 5));
    c.client(query(3, "SELECT * FROM nope"));
    c.server(packet(1, concat(new byte[] {(byte) 0xff, 0x7a, 0x04}, ascii("#42S02"),
        ascii("Table 'shop.nope' doesn't exist"))));
    c.client(packet(0, new byte[] {0x19, 7, 0, 0, 0})); // COM_STMT_CLOSE: no answer
    c.client(packet(0, new byte[] {0x0e})).server(ok(1, 0));
    c.client(packet(0, new byte[] {0x01})).close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(List.of("SELECT", "UPDATE", "UPDATE", "SELECT", "PING"),
        ts.stream().map(Transaction::method).toList(), ts::toString);
    assertEquals(3L, ts.get(0).rows());
    assertEquals("items", ts.get(0).resource());
    assertEquals("UPDATE items SET a = ? WHERE id = ?", ts.get(2).query(),
        "an execute shows the SQL of its prepared statement");
    assertEquals(5L, ts.get(2).rows());
    assertEquals("1146 (42S02)", ts.get(3).status());
    assertEquals(Outcome.ERROR, ts.get(3).outcome());
    assertTrue(ts.stream().allMatch(x -> x.notes().isEmpty()), ts::toString);
    assertEquals(ts.size(), t.decode().stats().get(DecoderStats.Counter.MYSQL_TRANSACTIONS));
  }

  @Test
  void pipelinedPrepareAndExecuteWithoutEofPackets() {
    // MariaDB Connector/J sends COM_STMT_PREPARE and COM_STMT_EXECUTE(-1) back to back.
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(3306).handshake();
    c.server(greeting()).client(login(0x000fa685 | DEPRECATE_EOF)).server(ok(2, 0));
    c.client(concat(query(0x16, "SELECT a FROM items WHERE id = ?"),
        packet(0, new byte[] {0x17, -1, -1, -1, -1, 0, 1, 0, 0, 0})));
    c.server(concat(packet(1, new byte[] {0, 9, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0}),
        packet(2, ascii("\3def")), packet(3, ascii("\3def")), resultSet(2, true)));
    c.close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(2, ts.size(), ts::toString);
    assertEquals("SELECT a FROM items WHERE id = ?", ts.get(1).query());
    assertEquals(2L, ts.get(1).rows());
    assertTrue(ts.stream().allMatch(x -> x.outcome() == Outcome.OK && x.notes().isEmpty()));
  }

  @Test
  void sslLoginMeansEncrypted() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(3306).handshake();
    c.server(greeting()).client(packet(1, concat(new byte[] {0, 0x0a, 0, 0}, new byte[28])))
        .client(new byte[] {22, 3, 1, 0, 5, 1, 0, 0, 1, 0}).close();
    Captures.Decoded d = t.decode();
    assertEquals(List.of(), d.transactions());
    assertEquals(1, d.encrypted().size());
  }
}
