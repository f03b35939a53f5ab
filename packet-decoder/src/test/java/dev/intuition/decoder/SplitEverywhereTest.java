package dev.intuition.decoder;

import static dev.intuition.decoder.Traffic.ascii;
import static dev.intuition.decoder.Traffic.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.intuition.decoder.pairing.DecoderContext;
import dev.intuition.decoder.pairing.Pairer;
import dev.intuition.decoder.protocol.ConnectionDecoder;
import dev.intuition.decoder.protocol.http.HttpDecoder;
import dev.intuition.decoder.protocol.mysql.MysqlDecoder;
import dev.intuition.decoder.protocol.postgresql.PostgresqlDecoder;
import dev.intuition.decoder.protocol.redis.RedisDecoder;
import dev.intuition.decoder.redact.Redactor;
import dev.intuition.decoder.tcp.CloseReason;
import dev.intuition.decoder.tcp.MemoryBudget;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every conversation decodes the same however its bytes are cut: each is fed straight to its
 * {@link ConnectionDecoder}, once whole and then split in two at every byte offset of every turn,
 * honouring the decoder contract (the caller keeps what was not consumed and presents it again with
 * the next bytes). The transactions, their fields and the decoder's counters must not change.
 */
class SplitEverywhereTest {
  /** One side's bytes in one go. */
  record Turn(boolean fromClient, byte[] bytes) {}

  static Turn c(byte[] b) {
    return new Turn(true, b);
  }

  static Turn s(byte[] b) {
    return new Turn(false, b);
  }

  static Turn c(String text) {
    return c(ascii(text));
  }

  static Turn s(String text) {
    return s(ascii(text));
  }

  record Result(List<Transaction> transactions, java.util.Map<DecoderStats.Counter, Long> stats) {}

  /** Feeds {@code turns}, turn {@code cutTurn} delivered in two pieces cut at {@code cutAt}. */
  static Result run(Protocol protocol, List<Turn> turns, int cutTurn, int cutAt) {
    List<Transaction> out = new ArrayList<>();
    DecoderSettings settings = DecoderSettings.defaults();
    DecoderContext ctx = new DecoderContext(settings, new DecoderStats(),
        new MemoryBudget(settings.maxTotalBufferedBytes()), new Redactor(settings),
        new TransactionListener() {
          @Override
          public void transaction(Transaction t) {
            out.add(t);
          }

          @Override
          public void encryptedConnection(Connection connection, String serverName) {}
        });
    Pairer pairer = new Pairer(protocol, new Connection(new Endpoint("10.0.0.1", 40000),
        new Endpoint("10.0.0.2", 1)), ctx);
    ConnectionDecoder d = switch (protocol) {
      case HTTP -> new HttpDecoder(pairer, false);
      case REDIS -> new RedisDecoder(pairer, false);
      case POSTGRESQL -> new PostgresqlDecoder(pairer, false);
      case MYSQL -> new MysqlDecoder(pairer, false);
      case TLS -> throw new IllegalArgumentException();
    };
    byte[][] carry = {new byte[0], new byte[0]};
    long ts = 1_700_000_000_000_000L;
    for (int i = 0; i < turns.size(); i++) {
      Turn t = turns.get(i);
      ts += 1000;
      List<byte[]> pieces = i == cutTurn
          ? List.of(Arrays.copyOfRange(t.bytes(), 0, cutAt),
              Arrays.copyOfRange(t.bytes(), cutAt, t.bytes().length))
          : List.of(t.bytes());
      for (byte[] piece : pieces) {
        int side = t.fromClient() ? 0 : 1;
        byte[] buf = concat(carry[side], piece);
        int consumed = buf.length == 0 ? 0 : d.data(t.fromClient(), buf, 0, buf.length, ts);
        carry[side] = Arrays.copyOfRange(buf, consumed, buf.length);
      }
    }
    d.fin(true, ts + 1);
    d.fin(false, ts + 1);
    d.closed(CloseReason.FIN, ts + 2);
    return new Result(out, ctx.stats().snapshot());
  }

  static byte[] pg(char type, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body)
        .array();
  }

  static byte[] my(int seq, byte[] payload) {
    return MysqlDecodingTest.packet(seq, payload);
  }

  static Stream<Arguments> conversations() {
    return Stream.of(
        Arguments.of("http keep-alive, chunked, 100-continue, pipelined", Protocol.HTTP, 5, List.of(
            c("PUT /upload HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n"),
            s("HTTP/1.1 100 Continue\r\n\r\n"), c("0123456789"),
            s("HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n4;x=1\r\nWiki\r\n"
                + "5\r\npedia\r\n0\r\nX-T: 1\r\n\r\n"),
            c("GET /a?q=1 HTTP/1.1\r\nHost: shop\r\n\r\nDELETE /b HTTP/1.1\r\n\r\n"),
            s("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 204 No Content\r\n\r\n"),
            c("HEAD /c HTTP/1.1\r\n\r\n"), s("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n"),
            c("GET /close HTTP/1.0\r\n\r\n"), s("HTTP/1.0 200 OK\r\n\r\nuntil the end"))),
        Arguments.of("redis pipelined commands, arrays, errors", Protocol.REDIS, 5, List.of(
            c("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"),
            s("+OK\r\n$5\r\nvalue\r\n"), c("PING\r\n"), s("+PONG\r\n"),
            c("*2\r\n$6\r\nLRANGE\r\n$1\r\nl\r\n"), s("*2\r\n*1\r\n:1\r\n$-1\r\n"),
            c("*1\r\n$4\r\nBOOM\r\n"), s("-ERR unknown command 'BOOM'\r\n"))),
        Arguments.of("postgresql startup, simple and extended query, error", Protocol.POSTGRESQL,
            2, List.of(c(PostgresqlDecodingTest.startup()),
                s(concat(pg('R', new byte[] {0, 0, 0, 0}), PostgresqlDecodingTest.ready())),
                c(pg('Q', PostgresqlDecodingTest.cstr("SELECT * FROM items"))),
                s(concat(pg('T', new byte[] {0, 0}), pg('D', new byte[] {0, 0}),
                    pg('C', PostgresqlDecodingTest.cstr("SELECT 1")),
                    PostgresqlDecodingTest.ready())),
                c(concat(pg('P', concat(PostgresqlDecodingTest.cstr(""),
                        PostgresqlDecodingTest.cstr("INSERT INTO t VALUES ($1)"), new byte[2])),
                    pg('B', new byte[] {0, 0, 0, 0, 0, 0, 0, 0}), pg('E', new byte[] {0, 0, 0, 0,
                        0}), pg('S', new byte[0]))),
                s(concat(pg('1', new byte[0]), pg('2', new byte[0]),
                    PostgresqlDecodingTest.error("ERROR", "23505"),
                    PostgresqlDecodingTest.ready())))),
        Arguments.of("mysql handshake, query, result set, prepared statement", Protocol.MYSQL,
            3, List.of(s(MysqlDecodingTest.greeting()), c(MysqlDecodingTest.login(0x000fa685)),
                s(MysqlDecodingTest.ok(2, 0)), c(MysqlDecodingTest.query(3, "SELECT a FROM items")),
                s(MysqlDecodingTest.resultSet(3, false)),
                c(MysqlDecodingTest.query(0x16, "UPDATE items SET a = ? WHERE id = ?")),
                s(concat(my(1, new byte[] {0, 7, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0}),
                    my(2, ascii("\3def")), my(3, ascii("\3def")), MysqlDecodingTest.eof(4))),
                c(my(0, new byte[] {0x17, 7, 0, 0, 0, 0, 1, 0, 0, 0})),
                s(MysqlDecodingTest.ok(1, 5)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conversations")
  void decodesTheSameWhereverItIsCut(String name, Protocol protocol, int calls,
      List<Turn> turns) {
    Result whole = run(protocol, turns, -1, 0);
    assertEquals(calls, whole.transactions().size(), () -> name + ": " + whole.transactions());
    assertEquals(0L, whole.stats().get(DecoderStats.Counter.DECODE_ERRORS), name);
    int cuts = 0;
    for (int i = 0; i < turns.size(); i++) {
      for (int at = 1; at < turns.get(i).bytes().length; at++) {
        Result cut = run(protocol, turns, i, at);
        int turn = i;
        int offset = at;
        assertEquals(whole.transactions(), cut.transactions(),
            () -> name + ": turn " + turn + " cut at byte " + offset);
        assertEquals(whole.stats(), cut.stats(), () -> name + ": counters, turn " + turn
            + " cut at byte " + offset);
        cuts++;
      }
    }
    assertFalse(cuts == 0);
  }
}
