package dev.intuition.decoder.redact;

import dev.intuition.decoder.DecoderSettings;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from what a decoder is about to emit, so they never leave the agent in clear: values of
 * password-like query-string and form fields, Redis AUTH credentials, and passwords in SQL statements.
 * HTTP Authorization, Cookie and Set-Cookie values never reach a transaction in the first place (the
 * HTTP decoder does not keep header values other than Host and X-Forwarded-For).
 */
public final class Redactor {
  public static final String MASK = "[redacted]";

  // PASSWORD 'x', IDENTIFIED BY 'x', IDENTIFIED WITH plugin BY 'x', PASSWORD('x'), PASSWORD = 'x'.
  private static final Pattern SQL_SECRET = Pattern.compile(
      "(?i)(\\bpassword\\s*(?:=\\s*|\\(\\s*)?|\\bidentified\\s+(?:with\\s+\\S+\\s+)?(?:by|as)\\s+"
          + "(?:password\\s*)?)('(?:[^'\\\\]|\\\\.|'')*'|\"(?:[^\"\\\\]|\\\\.)*\"|\\$\\$.*?\\$\\$)");

  private final DecoderSettings settings;

  public Redactor(DecoderSettings settings) {
    this.settings = settings;
  }

  public boolean enabled() {
    return settings.redact();
  }

  /**
   * Redacts the values of sensitive fields in an {@code application/x-www-form-urlencoded} text: a query
   * string, a form body, or a request target with its {@code ?query}.
   */
  public String formFields(String text) {
    if (!settings.redact() || text == null) {
      return text;
    }
    int q = text.indexOf('?');
    int from = q >= 0 ? q + 1 : (text.indexOf('=') >= 0 ? 0 : -1);
    if (from < 0) {
      return text;
    }
    // One pass over the fields; the copy is made at the first sensitive one, so that the common
    // case (nothing to mask) returns the text as it is.
    StringBuilder out = null;
    int copied = 0; // text[0, copied) is in out
    int eq = -1; // the first '=' at or after i (text.length() when there is none): each is found once
    int i = from;
    while (i < text.length()) {
      int amp = text.indexOf('&', i);
      int end = amp < 0 ? text.length() : amp;
      if (eq < i) {
        eq = text.indexOf('=', i);
        if (eq < 0) {
          eq = text.length();
        }
      }
      if (eq > i && eq < end && isSensitiveName(text, i, eq)) {
        if (out == null) {
          out = new StringBuilder(text.length());
        }
        out.append(text, copied, eq + 1).append(MASK);
        copied = end;
      }
      if (amp < 0) {
        break;
      }
      i = amp + 1;
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }

  /** Whether the field name {@code text[from, to)} is sensitive, read URL-decoded if it is encoded. */
  private boolean isSensitiveName(String text, int from, int to) {
    for (int k = from; k < to; k++) {
      char c = text.charAt(k);
      if (c == '%' || c == '+') {
        return settings.isSensitiveField(urlDecodeLenient(text.substring(from, to)));
      }
    }
    return settings.isSensitiveField(text, from, to); // checked in place, no copy
  }

  /**
   * Redacts Redis arguments that carry credentials: {@code AUTH [user] password}, {@code HELLO ... AUTH
   * user password}, {@code MIGRATE ... AUTH password | AUTH2 user password}, {@code CONFIG SET
   * requirepass|masterauth value}, and {@code ACL SETUSER} password rules ({@code >pw}, {@code #hash}).
   */
  public void redisArguments(List<String> args) {
    if (!settings.redact() || args.isEmpty()) {
      return;
    }
    String cmd = args.get(0).toUpperCase(Locale.ROOT);
    switch (cmd) {
      case "AUTH" -> maskFrom(args, 1);
      case "HELLO", "MIGRATE" -> {
        for (int i = 1; i < args.size(); i++) {
          String a = args.get(i).toUpperCase(Locale.ROOT);
          if (a.equals("AUTH") && cmd.equals("HELLO")) {
            maskRange(args, i + 2, i + 3); // HELLO protover AUTH username password
          } else if (a.equals("AUTH")) {
            maskRange(args, i + 1, i + 2);
          } else if (a.equals("AUTH2")) {
            maskRange(args, i + 2, i + 3);
          }
        }
      }
      case "CONFIG" -> {
        for (int i = 2; i + 1 < args.size(); i += 2) {
          String key = args.get(i).toLowerCase(Locale.ROOT);
          if (key.contains("pass") || key.contains("auth")) {
            args.set(i + 1, MASK);
          }
        }
      }
      case "ACL" -> {
        for (int i = 2; i < args.size(); i++) {
          String a = args.get(i);
          if (a.startsWith(">") || a.startsWith("<") || a.startsWith("#") || a.startsWith("!")) {
            args.set(i, a.charAt(0) + MASK);
          }
        }
      }
      default -> { }
    }
  }

  /** Redacts password literals in SQL text (CREATE/ALTER USER, SET PASSWORD, ...). */
  public String sql(String text) {
    if (!settings.redact() || text == null) {
      return text;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (!lower.contains("password") && !lower.contains("identified")) {
      return text;
    }
    Matcher m = SQL_SECRET.matcher(text);
    return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + "'" + MASK + "'"));
  }

  private static void maskFrom(List<String> args, int from) {
    maskRange(args, from, args.size());
  }

  private static void maskRange(List<String> args, int from, int to) {
    for (int i = from; i < Math.min(to, args.size()); i++) {
      args.set(i, MASK);
    }
  }

  private static String urlDecodeLenient(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    try {
      return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
