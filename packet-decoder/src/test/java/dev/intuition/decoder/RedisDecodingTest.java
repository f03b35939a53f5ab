package dev.intuition.decoder;

import static dev.intuition.decoder.Traffic.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.pcap.SyntheticConnection;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RedisDecodingTest {
  static String cmd(String... args) {
    StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
    for (String a : args) {
      sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 1448})
  void pipelinedCommandsWithAnErrorReply_onANonStandardPort(int mss) {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(6380).handshake().mss(mss);
    c.send(true, ascii(cmd("SET", "user:1", "alice") + cmd("GET", "user:1")
        + cmd("INCR", "user:1") + cmd("LRANGE", "l", "0", "-1")), false);
    c.server(ascii("+OK\r\n$5\r\nalice\r\n-ERR value is not an integer or out of range\r\n"
        + "*3\r\n$1\r\na\r\n*2\r\n:1\r\n:2\r\n$-1\r\n")).close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(List.of("SET", "GET", "INCR", "LRANGE"),
        ts.stream().map(Transaction::method).toList());
    assertEquals(List.of("OK", "OK", "ERR value is not an integer or out of range", "OK"),
        ts.stream().map(Transaction::status).toList());
    assertEquals(Outcome.ERROR, ts.get(2).outcome());
    assertEquals("user:1", ts.get(0).resource());
    assertEquals("SET user:1 alice", ts.get(0).query());
    assertEquals(3L, ts.get(3).rows());
    assertEquals(ascii(cmd("SET", "user:1", "alice")).length, ts.get(0).requestBytes());
    assertEquals(5, ts.get(0).responseBytes());
  }

  @Test
  void authArgumentsAreRedacted() {
    Traffic t = new Traffic();
    t.connect(6379).handshake().client(ascii(cmd("AUTH", "default", "hunter2")))
        .server(ascii("+OK\r\n"))
        .client(ascii(cmd("HELLO", "3", "AUTH", "bob", "pa55")))
        .server(ascii("%1\r\n+server\r\n+redis\r\n"))
        .client(ascii(cmd("CONFIG", "SET", "requirepass", "newpw")))
        .server(ascii("+OK\r\n")).close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals("AUTH [redacted] [redacted]", ts.get(0).query());
    assertEquals("HELLO 3 AUTH bob [redacted]", ts.get(1).query());
    assertEquals("CONFIG SET requirepass [redacted]", ts.get(2).query());
    assertTrue(ts.stream().allMatch(x -> x.outcome() == Outcome.OK));
  }

  @Test
  void inlineCommandsAndResp3Replies() {
    Traffic t = new Traffic();
    t.connect(6379).handshake().client(ascii("PING\r\n")).server(ascii("+PONG\r\n"))
        .client(ascii(cmd("HGETALL", "h")))
        .server(ascii("%2\r\n$1\r\na\r\n,1.5\r\n$1\r\nb\r\n#t\r\n"))
        .client(ascii(cmd("GET", "missing"))).server(ascii("_\r\n"))
        .client(ascii(cmd("FCALL", "f", "0"))).server(ascii("!21\r\nSYNTAX invalid syntax\r\n"))
        .close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(List.of("PING", "HGETALL", "GET", "FCALL"),
        ts.stream().map(Transaction::method).toList());
    assertEquals("SYNTAX invalid syntax", ts.get(3).status());
    assertEquals(Outcome.ERROR, ts.get(3).outcome());
    assertEquals(Outcome.OK, ts.get(1).outcome());
  }

  @Test
  void pubSubMessagesAreNotResponses() {
    Traffic t = new Traffic();
    t.connect(6379).handshake().client(ascii(cmd("SUBSCRIBE", "a", "b")))
        .server(ascii("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"))
        .server(ascii("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n"))
        .client(ascii(cmd("PING"))).server(ascii("*2\r\n$4\r\npong\r\n$0\r\n\r\n")).close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(List.of("SUBSCRIBE", "PING"), ts.stream().map(Transaction::method).toList());
    assertTrue(ts.stream().allMatch(x -> x.notes().isEmpty()), ts::toString);
  }

  @Test
  void lossInsideABulkValueIsSkipped() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(6379).handshake();
    c.client(ascii(cmd("GET", "big"))).server(ascii("$3000\r\n")).server(new byte[1000])
        .lose(false, 1000).server(new byte[1002])
        .client(ascii(cmd("GET", "small"))).server(ascii("$1\r\nx\r\n")).close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(2, ts.size(), ts::toString);
    assertTrue(ts.get(0).notes().contains("packet loss in response"));
    assertEquals("small", ts.get(1).resource());
    assertTrue(ts.get(1).notes().isEmpty());
  }
}
