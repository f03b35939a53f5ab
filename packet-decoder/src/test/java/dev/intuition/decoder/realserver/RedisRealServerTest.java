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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Real redis-server 7 in a network namespace, driven by Jedis and redis-cli, captured by tcpdump: the
 * decoder's transactions match what the sessions did, one for one. The server listens on 6380 (found by
 * content, no configuration) with a password, and on 6379.
 */
@Tag("root")
class RedisRealServerTest {
  @BeforeAll
  static void servers() {
    Testbed.up();
  }

  @Test
  void jedisSession_errorsPipeliningLargeValuesAndAuthRedacted() throws Exception {
    Expected expected = new Expected();
    Captures.Decoded decoded;
    try (Testbed.Capture capture = new Testbed.Capture("tcp port 6380")) {
      var config = DefaultJedisClientConfig.builder().password("redis-pw")
          .clientSetInfoConfig(ClientSetInfoConfig.DISABLED).build();
      try (Jedis jedis = new Jedis(new HostAndPort(Testbed.HOST, 6380), config)) {
        expected.add("AUTH", "OK", OK);
        jedis.flushDB();
        expected.add("FLUSHDB", "OK", OK);
        jedis.set("greeting", "hello");
        expected.add("SET", "OK", OK);
        assertEquals("hello", jedis.get("greeting"));
        expected.add("GET", "OK", OK);
        assertThrows(JedisDataException.class, () -> jedis.incr("greeting"));
        expected.add("INCR", "ERR value is not an integer", ERROR);
        jedis.rpush("list", "a", "b", "c");
        expected.add("RPUSH", "OK", OK);
        assertThrows(JedisDataException.class, () -> jedis.get("list"));
        expected.add("GET", "WRONGTYPE", ERROR);
        String[] many = new String[2000];
        for (int i = 0; i < many.length; i++) {
          many[i] = "item-" + i;
        }
        jedis.rpush("big-list", many);
        expected.add("RPUSH", "OK", OK);
        assertEquals(2000, jedis.lrange("big-list", 0, -1).size());
        expected.add("LRANGE", "OK", OK, 2000);
        String large = "x".repeat(300_000);
        jedis.set("large", large);
        expected.add("SET", "OK", OK);
        assertEquals(large, jedis.get("large"));
        expected.add("GET", "OK", OK);
        Pipeline pipeline = jedis.pipelined();
        for (int i = 0; i < 100; i++) {
          pipeline.incr("counter");
          expected.add("INCR", "OK", OK);
        }
        pipeline.hset("h", "field", "value");
        expected.add("HSET", "OK", OK);
        pipeline.hgetAll("h");
        expected.add("HGETALL", "OK", OK);
        pipeline.sync();
      }
      decoded = capture.stop();
    }
    List<Transaction> ts = decoded.transactions();
    assertFalse(ts.isEmpty());
    ts.forEach(t -> assertEquals(Protocol.REDIS, t.protocol()));
    expected.assertMatches(ts, t -> false);
    String all = ts.stream().map(TransactionJson::toJson).reduce("", String::concat);
    assertFalse(all.contains("redis-pw"), "the AUTH password never appears");
  }

  @Test
  void redisCliCommandsAndPipeMode() throws Exception {
    Expected expected = new Expected();
    Captures.Decoded decoded;
    try (Testbed.Capture capture = new Testbed.Capture("tcp port 6379")) {
      cli("SET", "a", "1");
      expected.query("SET", "SET a 1", "OK", OK);
      cli("GET", "a");
      expected.query("GET", "GET a", "OK", OK);
      cli("NOSUCHCOMMAND", "x");
      expected.add("NOSUCHCOMMAND", "ERR unknown command", ERROR);
      StringBuilder pipe = new StringBuilder();
      for (int i = 0; i < 200; i++) {
        pipe.append("*3\r\n$3\r\nSET\r\n$").append(("k" + i).length()).append("\r\nk").append(i)
            .append("\r\n$1\r\nv\r\n");
        expected.add("SET", "OK", OK);
      }
      Path input = Files.createTempFile("redis-pipe", ".resp");
      Files.writeString(input, pipe);
      Testbed.Result r = Testbed.exec(List.of("bash", "-c", "redis-cli -h " + Testbed.HOST
          + " -p 6379 --pipe < " + input));
      Files.delete(input);
      assertEquals(0, r.status(), r.output());
      expected.add("ECHO", "OK", OK); // --pipe ends with an ECHO to know the replies are all in
      decoded = capture.stop();
    }
    expected.assertMatches(decoded.transactions(), t -> false);
  }

  private static void cli(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-h", Testbed.HOST,
        "-p", "6379"));
    command.addAll(List.of(args));
    Testbed.exec(command);
  }
}
