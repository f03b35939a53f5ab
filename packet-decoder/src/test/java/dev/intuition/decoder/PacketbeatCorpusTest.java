package dev.intuition.decoder;

import static dev.intuition.decoder.Captures.corpus;
import static dev.intuition.decoder.Captures.decode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Captures.Decoded;
import dev.intuition.decoder.json.TransactionJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The 25 Packetbeat captures in ../shared/corpus/packetbeat decode to what its README says, with no port
 * configuration: three link layers, mid-stream joins, packet loss and non-standard ports included.
 */
class PacketbeatCorpusTest {

  private static Transaction only(List<Transaction> ts) {
    assertEquals(1, ts.size(), () -> "expected exactly one transaction, got " + ts);
    return ts.get(0);
  }

  private static void assertHttp(Transaction t, String method, String status, Outcome outcome) {
    assertEquals(Protocol.HTTP, t.protocol());
    assertEquals(method, t.method());
    assertEquals(status, t.status());
    assertEquals(outcome, t.outcome());
  }

  @Test
  void httpMinitwit_threeTransactionsOnTheFrontConnection() {
    // SLL link layer; nginx on 80 proxies to 5000 (also decoded, but not what Packetbeat tests).
    List<Transaction> front = decode(corpus("http_minitwit.pcap")).on(80);
    assertEquals(3, front.size());
    for (Transaction t : front) {
      assertEquals(new Endpoint("192.168.1.104", 54742), t.client());
      assertEquals(new Endpoint("192.168.1.110", 80), t.server());
    }
    assertHttp(front.get(0), "GET", "200", Outcome.OK);
    assertEquals(364, front.get(0).requestBytes());
    assertEquals(1000, front.get(0).responseBytes());
    assertHttp(front.get(1), "GET", "304", Outcome.OK);
    assertEquals(471, front.get(1).requestBytes());
    assertEquals(234, front.get(1).responseBytes());
    assertHttp(front.get(2), "GET", "404", Outcome.WARNING);
    assertEquals(289, front.get(2).requestBytes());
    assertEquals(396, front.get(2).responseBytes());
  }

  @Test
  void wsgiLoopback_duplicatedPacketsAndSynRetransmissionsMakeOneTransaction() {
    // Every packet is captured twice and SYNs are retransmitted during the connection.
    Transaction t = only(decode(corpus("wsgi_loopback.pcap")).transactions());
    assertEquals(46249, t.client().port());
    assertHttp(t, "GET", "200", Outcome.OK);
    assertEquals("/", t.resource());
    assertTrue(t.responseBytes() > 20000, "response bytes " + t.responseBytes());
  }

  @Test
  void httpBasicAuth_durationToLastResponseByteAndNoSecret() {
    Decoded d = decode(corpus("http_basicauth.pcap"));
    Transaction t = only(d.on(80));
    assertEquals(new Endpoint("172.31.98.49", 55874), t.client());
    assertEquals(new Endpoint("93.184.216.34", 80), t.server());
    assertHttp(t, "GET", "200", Outcome.OK);
    assertEquals("/", t.resource());
    assertEquals("www.example.com", t.host());
    assertEquals(130, t.requestBytes());
    assertEquals(1591, t.responseBytes());
    assertEquals(18346, t.durationMicros());
    String json = TransactionJson.toJson(t);
    assertFalse(json.toLowerCase().contains("authorization"), json);
    assertFalse(json.contains("Basic "), json);
  }

  @Test
  void httpPost_formBodyBecomesParams() {
    Transaction t = only(decode(corpus("http_post.pcap")).transactions());
    assertEquals("POST", t.method());
    assertEquals("/register", t.resource());
    assertNotNull(t.params());
    for (String field : List.of("address=anklamerstr.14b", "telephon=8932784368", "user=monica")) {
      assertTrue(t.params().contains(field), t.params());
    }
  }

  @Test
  void httpUrlParams_queryKept() {
    Transaction t = only(decode(corpus("http_url_params.pcap")).transactions());
    assertEquals("GET /dashboard/transactions?input=packetbeat&src_ip=192.35.243.1", t.query());
    assertEquals("/dashboard/transactions", t.resource());
  }

  @Test
  void httpPostJson_onPort9200OverNullLinkLayer() {
    Transaction t = only(decode(corpus("http_post_json.pcap")).transactions());
    assertEquals(9200, t.server().port());
    assertEquals("POST", t.method());
    assertEquals("200", t.status());
  }

  @Test
  void httpGet2kFile_onPort8000() {
    Transaction t = only(decode(corpus("http_get_2k_file.pcap")).transactions());
    assertEquals(8000, t.server().port());
    assertHttp(t, "GET", "200", Outcome.OK);
    assertTrue(t.responseBytes() > 2000 && t.responseBytes() < 2400, "" + t.responseBytes());
  }

  @Test
  void httpXForwardedFor_namesTheRealClient() {
    Transaction t = only(decode(corpus("http_x_forwarded_for.pcap")).transactions());
    assertEquals("89.247.39.104", t.forwardedFor());
  }

  @Test
  void httpUnmatched_responseWithoutRequestThenPair() {
    // On 63082 the server speaks first (a 404 to a request never captured), then a normal GET.
    // On 63081 the client sends a request and resets: reported as a request without response.
    Decoded d = decode(corpus("http_unmatched.pcap"));
    List<Transaction> second = d.transactions().stream()
        .filter(t -> t.client().port() == 63082).toList();
    assertEquals(2, second.size());
    Transaction unmatched = second.get(0);
    assertEquals("404", unmatched.status());
    assertTrue(unmatched.notes().contains("unmatched response"), unmatched.notes().toString());
    assertNull(unmatched.start());
    assertEquals(Outcome.WARNING, unmatched.outcome());
    assertHttp(second.get(1), "GET", "200", Outcome.OK);
    Transaction reset = only(d.transactions().stream()
        .filter(t -> t.client().port() == 63081).toList());
    assertEquals("GET", reset.method());
    assertNull(reset.end());
    assertTrue(reset.notes().contains("no response: connection closed"));
  }

  @Test
  void http10ConnectionClose_bodyEndsAtCloseAndTlsPostgresIsNotDecoded() {
    Decoded d = decode(corpus("http_10_connection_close.pcap"));
    Transaction t = only(d.transactions());
    assertEquals(new Endpoint("127.0.0.1", 37885), t.client());
    assertEquals(new Endpoint("127.0.0.1", 8000), t.server());
    assertHttp(t, "GET", "200", Outcome.OK);
    assertTrue(t.responseBytes() > 11422, "head plus a body of Content-Length 11422");
    assertTrue(d.encrypted().stream().anyMatch(c -> c.server().port() == 5432),
        "the SSL-upgraded PostgreSQL session is reported as encrypted: " + d.encrypted());
  }

  @Test
  void http2OverTls_noTransactionsButAnEncryptedConnection() {
    Decoded d = decode(corpus("http2-16-ssl.pcap"));
    assertEquals(List.of(), d.transactions());
    assertFalse(d.encrypted().isEmpty());
  }

  @Test
  void hideSecretGet_passwordNeverInOutput() {
    Transaction t = only(decode(corpus("hide_secret_GET.pcap")).transactions());
    assertEquals("GET", t.method());
    assertEquals("/login", t.resource());
    String json = TransactionJson.toJson(t);
    assertTrue(json.contains("user=monica"), json);
    assertFalse(json.contains("secret"), json);
  }

  @Test
  void hideSecretPost_passwordNeverInOutput() {
    Transaction t = only(decode(corpus("hide_secret_POST.pcap")).transactions());
    assertEquals("POST", t.method());
    assertEquals("/login", t.resource());
    String json = TransactionJson.toJson(t);
    assertTrue(json.contains("user=monica"), json);
    assertFalse(json.contains("secret"), json);
  }

  @Test
  void hideSecret_withoutRedactionTheValueIsThere() {
    // Proves the test above can fail: the password really is in the capture.
    Transaction t = only(decode(corpus("hide_secret_GET.pcap"),
        DecoderSettings.defaults().withRedact(false)).transactions());
    assertTrue(t.query().contains("pass=secret"), t.query());
  }

  @Test
  void redisOneTransaction_onPort6380() {
    Transaction t = only(decode(corpus("redis_one_transaction.pcap")).transactions());
    assertEquals(Protocol.REDIS, t.protocol());
    assertEquals(6380, t.server().port());
    assertEquals("LINDEX", t.method());
    assertEquals("test", t.resource());
    assertEquals(Outcome.OK, t.outcome());
  }

  @Test
  void pgsqlRequestResponse_fourRows() {
    Transaction t = only(decode(corpus("pgsql_request_response.pcap")).transactions());
    assertEquals(Protocol.POSTGRESQL, t.protocol());
    assertEquals("SELECT", t.method());
    assertEquals("select * from test;", t.query());
    assertEquals("test", t.resource());
    assertEquals(4L, t.rows());
    assertEquals("OK", t.status());
    assertEquals(Outcome.OK, t.outcome());
  }

  @Test
  void pgsqlInsert_requestBytes63() {
    Transaction t = only(decode(corpus("pgsql_insert.pcap")).transactions());
    assertEquals("INSERT", t.method());
    assertEquals(63, t.requestBytes());
    // Whole payload, ReadyForQuery included (Packetbeat leaves it out and reports 16).
    assertEquals(22, t.responseBytes());
    assertEquals(Outcome.OK, t.outcome());
  }

  @Test
  void pgsqlInsertError_sqlstate23505() {
    Transaction t = only(decode(corpus("pgsql_insert_error.pcap")).transactions());
    assertEquals("INSERT", t.method());
    assertEquals("23505", t.status());
    assertEquals(Outcome.ERROR, t.outcome());
  }

  @Test
  void pgsqlLongResult_fifteenRows() {
    assertEquals(15L, only(decode(corpus("pgsql_long_result.pcap")).transactions()).rows());
  }

  @Test
  void mysqlWithWhitespaces_sevenStatementsAllOk() {
    List<Transaction> all = decode(corpus("mysql_with_whitespaces.pcap")).transactions();
    // Packetbeat counts the seven statements; the PINGs in between are transactions here too.
    List<Transaction> ts = all.stream().filter(t -> !"PING".equals(t.method())).toList();
    assertEquals(7, ts.size(), ts::toString);
    assertTrue(all.stream().allMatch(t -> t.outcome() == Outcome.OK));
    assertEquals("SET", ts.get(0).method());
    assertEquals("DROP", ts.get(2).method());
    assertEquals("CREATE", ts.get(3).method());
    assertEquals("SELECT", ts.get(5).method());
    assertEquals("test", ts.get(5).resource());
    assertEquals(118, ts.get(5).responseBytes());
  }

  @Test
  void mysqlLong_400RowsOver100kB() {
    Transaction t = only(decode(corpus("mysql_long.pcap")).transactions());
    assertEquals(400L, t.rows());
    assertTrue(t.responseBytes() > 100_000);
  }

  @Test
  void mysqlLongResult_fifteenRows() {
    assertEquals(15L, only(decode(corpus("mysql_long_result.pcap")).transactions()).rows());
  }

  @Test
  void mysqlAffectedRows_update316() {
    Transaction t = only(decode(corpus("mysql_affected_rows.pcap")).transactions());
    assertEquals("UPDATE", t.method());
    assertEquals(316L, t.rows());
    assertEquals(Outcome.OK, t.outcome());
  }

  @Test
  void mysqlErrDatabaseNotSelected_error1046() {
    Transaction t = only(decode(corpus("mysql_err_database_not_selected.pcap")).transactions());
    assertEquals("SELECT", t.method());
    assertEquals("1046 (3D000)", t.status());
    assertEquals(Outcome.ERROR, t.outcome());
  }

  @Test
  void mysqlWindowsLineEnding_methodWithoutCarriageReturn() {
    Transaction t = only(decode(corpus("mysql_windows_lineending.pcap")).transactions());
    assertEquals("SELECT", t.method());
    assertEquals(Outcome.OK, t.outcome());
  }

  @Test
  void mysqlConnection_handshakeAndLoginAreNotTransactions() {
    // Packetbeat's old test saw only SELECT DATABASE(); the stream holds six commands after the
    // login (and COM_QUIT, which has no answer). None of the handshake becomes a transaction.
    List<Transaction> ts = decode(corpus("mysql_connection.pcap")).transactions();
    assertEquals(List.of("select @@version_comment limit 1", "CREATE DATABASE test",
        "SELECT DATABASE()", "USE test", "SHOW TABLES", "DROP DATABASE test"),
        ts.stream().map(Transaction::query).toList());
    Transaction t = ts.get(2);
    assertEquals("SELECT", t.method());
    assertTrue(ts.stream().allMatch(x -> x.outcome() == Outcome.OK && x.notes().isEmpty()));
  }
}
