package dev.intuition.decoder.realserver;

import static dev.intuition.decoder.Outcome.ERROR;
import static dev.intuition.decoder.Outcome.OK;
import static dev.intuition.decoder.Outcome.WARNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Captures;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.json.TransactionJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real nginx in a network namespace (port 80, and 8081 found by content), driven by curl (keep-alive,
 * HEAD, gzip with chunked encoding, 100-continue uploads, a form with a password) and by the JDK's
 * HttpClient, captured by tcpdump: the transactions match the requests one for one.
 */
@Tag("root")
class HttpRealServerTest {
  private static final String BASE = "http://" + Testbed.HOST;

  @BeforeAll
  static void servers() {
    Testbed.up();
  }

  @Test
  void curlSession_keepAliveStatusesChunkedContinueAndRedaction() throws Exception {
    Expected expected = new Expected();
    Path upload = Files.createTempFile("upload", ".bin");
    Files.write(upload, new byte[3 * 1024 * 1024]);
    Captures.Decoded decoded;
    try (Testbed.Capture capture = new Testbed.Capture("tcp port 80 or tcp port 8081")) {
      // One curl, one keep-alive connection, several requests.
      curl("-s", "-o", "/dev/null", BASE + "/ok", BASE + "/missing", BASE + "/fail",
          BASE + "/big.bin", BASE + "/moved", BASE + "/empty");
      expected.query("GET", "GET /ok", "200", OK);
      expected.query("GET", "GET /missing", "404", WARNING);
      expected.query("GET", "GET /fail", "500", ERROR);
      expected.query("GET", "GET /big.bin", "200", OK);
      expected.query("GET", "GET /moved", "301", OK);
      expected.query("GET", "GET /empty", "204", OK);
      curl("-s", "-o", "/dev/null", "-I", BASE + "/hello.txt");
      expected.query("HEAD", "HEAD /hello.txt", "200", OK);
      curl("-s", "-o", "/dev/null", "--compressed", BASE + "/text.txt");
      expected.query("GET", "GET /text.txt", "200", OK);
      curl("-s", "-o", "/dev/null", "-H", "Expect: 100-continue", "-T", upload.toString(),
          BASE + "/upload/file.bin");
      expected.query("PUT", "PUT /upload/file.bin", "20", OK);
      curl("-s", "-o", "/dev/null", "-d", "user=alice&password=hunter2", BASE + "/echo");
      expected.query("POST", "POST /echo", "200", OK);
      curl("-s", "-o", "/dev/null", BASE + ":8081/unavailable?token=abc123&page=1");
      expected.query("GET", "/unavailable?token=[redacted]&page=1", "503", ERROR);
      decoded = capture.stop();
    } finally {
      Files.delete(upload);
    }
    List<Transaction> ts = decoded.transactions();
    ts.forEach(t -> assertEquals(Protocol.HTTP, t.protocol()));
    expected.assertMatches(ts, t -> false);
    Transaction big = ts.stream().filter(t -> "/big.bin".equals(t.resource())).findFirst()
        .orElseThrow();
    assertTrue(big.responseBytes() > 1_048_576, "1 MiB body plus head: " + big.responseBytes());
    Transaction upload3m = ts.stream().filter(t -> t.requestBytes() > 3_000_000).findFirst()
        .orElseThrow(() -> new AssertionError("the 3 MiB upload"));
    assertTrue(upload3m.status().startsWith("20"), "100 Continue folded into the final response: "
        + upload3m.status());
    Transaction form = ts.stream().filter(t -> t.params() != null).findFirst().orElseThrow();
    assertEquals("user=alice&password=[redacted]", form.params());
    String all = ts.stream().map(TransactionJson::toJson).reduce("", String::concat);
    assertFalse(all.contains("hunter2") || all.contains("abc123"), all);
  }

  @Test
  void jdkHttpClient_keepAliveConnectionWithManyRequests() throws Exception {
    Expected expected = new Expected();
    Captures.Decoded decoded;
    try (Testbed.Capture capture = new Testbed.Capture("tcp port 80")) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<String> paths = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        paths.add(i % 10 == 0 ? "/fail" : i % 7 == 0 ? "/missing" : "/ok");
      }
      for (String path : paths) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(BASE + path))
            .build(), HttpResponse.BodyHandlers.ofString());
        String status = Integer.toString(r.statusCode());
        expected.query("GET", "GET " + path, status,
            r.statusCode() >= 500 ? ERROR : r.statusCode() >= 400 ? WARNING : OK);
      }
      decoded = capture.stop();
    }
    expected.assertMatches(decoded.transactions(), t -> false);
  }

  private static void curl(String... args) {
    List<String> command = new ArrayList<>(List.of("curl", "--max-time", "30"));
    command.addAll(List.of(args));
    Testbed.Result r = Testbed.exec(command);
    assertEquals(0, r.status(), r.output());
  }
}
