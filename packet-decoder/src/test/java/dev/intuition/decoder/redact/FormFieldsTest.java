package dev.intuition.decoder.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.intuition.decoder.DecoderSettings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FormFieldsTest {
  private final DecoderSettings settings = DecoderSettings.defaults();
  private final Redactor redactor = new Redactor(settings);

  @Test
  void sensitiveValuesAreMaskedWhereverTheFieldIs() {
    assertEquals("/login?user=ann&password=" + Redactor.MASK,
        redactor.formFields("/login?user=ann&password=hunter2"));
    assertEquals("/a?PassWord=" + Redactor.MASK + "&x=1",
        redactor.formFields("/a?PassWord=s3&x=1"));
    assertEquals("user=ann&new_password=" + Redactor.MASK + "&",
        redactor.formFields("user=ann&new_password=x&"));
    assertEquals("/a?pass%77ord=" + Redactor.MASK, redactor.formFields("/a?pass%77ord=x"),
        "a percent-encoded name is read decoded");
  }

  @Test
  void textWithNothingToMaskIsReturnedAsItIs() {
    for (String s : new String[] {"/users/31?fields=name,email", "/health", "/a?=password",
        "/a?password", "/a?x=password", "a=b&c=d", "/a?&&", ""}) {
      assertSame(s, redactor.formFields(s), s);
    }
  }

  @Test
  void manyFieldsBeforeTheFirstEqualsSignAreReadOnce() {
    // 200,000 empty fields before one field with a value: a reader that looked for the next '='
    // afresh at every field would scan the rest of the text 200,000 times.
    String fields = "&".repeat(200_000);
    assertEquals("/a?" + fields + "password=" + Redactor.MASK,
        redactor.formFields("/a?" + fields + "password=x"));
    String none = "/a?" + fields;
    assertSame(none, redactor.formFields(none));
  }

  /** Random texts over the characters that matter, against the straightforward reading. */
  @Test
  void agreesWithTheStraightforwardReadingOnRandomTexts() {
    String alphabet = "password=&?%7+ab_";
    Random random = new Random(42);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(40);
      for (int i = 0; i < len; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      if (random.nextInt(4) == 0) {
        sb.insert(random.nextInt(sb.length() + 1), "password=");
      }
      String text = sb.toString();
      assertEquals(straightforward(text), redactor.formFields(text), text);
    }
  }

  /** Every pair split out and checked: what formFields did before its no-copy fast path. */
  private String straightforward(String text) {
    int q = text.indexOf('?');
    int from = q >= 0 ? q + 1 : (text.indexOf('=') >= 0 ? 0 : -1);
    if (from < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder().append(text, 0, from);
    int i = from;
    while (i <= text.length()) {
      int amp = text.indexOf('&', i);
      int end = amp < 0 ? text.length() : amp;
      String pair = text.substring(i, end);
      int eq = pair.indexOf('=');
      if (eq > 0 && settings.isSensitiveField(decode(pair.substring(0, eq)))) {
        out.append(pair, 0, eq + 1).append(Redactor.MASK);
      } else {
        out.append(pair);
      }
      if (amp < 0) {
        break;
      }
      out.append('&');
      i = amp + 1;
    }
    return out.toString();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
