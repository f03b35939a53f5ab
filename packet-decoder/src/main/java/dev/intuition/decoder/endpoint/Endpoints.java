package dev.intuition.decoder.endpoint;

import dev.intuition.decoder.Transaction;
import java.util.Locale;

/**
 * The endpoint of a call: which route, statement or command of a service it used, with what varies
 * from call to call taken out, so that calls group into a bounded number of endpoints per edge.
 *
 * <ul>
 *   <li>HTTP: the method and the path with its variable segments as {@value #ID}
 *       ({@code GET /users/123/orders} becomes {@code GET /users/{id}/orders}); see {@link #path}.
 *   <li>PostgreSQL and MySQL: the statement's shape ({@link #sqlShape}): literals become {@code ?},
 *       IN-lists and multi-row VALUES one {@code (?)}, comments and runs of whitespace go; a command
 *       without text (PING, COM_STMT_CLOSE, ...) is its method.
 *   <li>Redis: the command ({@code GET}, {@code HSET}); keys vary too much to be endpoints.
 *   <li>Anything else: its method, else {@value #UNKNOWN} (a response whose request was not seen).
 * </ul>
 *
 * <p>An endpoint is at most {@value #MAX_LENGTH} characters; a longer one is cut and ends with
 * {@code ...}. Pure and thread-safe; no regular expressions (it runs once per call on the agent).
 */
public final class Endpoints {
  /** What a variable path segment becomes. */
  public static final String ID = "{id}";
  /** The endpoint of a call whose request was not seen. */
  public static final String UNKNOWN = "(unknown)";
  public static final int MAX_LENGTH = 160;
  /** Path segments kept; the rest become one {@code ...}. */
  static final int MAX_SEGMENTS = 12;
  /** SQL text read; the rest is ignored. */
  static final int MAX_SQL = 4096;

  private Endpoints() {}

  /** The endpoint of {@code t} (never null). */
  public static String of(Transaction t) {
    String method = t.method();
    String endpoint = switch (t.protocol()) {
      case HTTP -> method == null ? UNKNOWN : method + ' ' + path(t.resource());
      case POSTGRESQL, MYSQL -> t.query() != null && !t.query().isBlank() ? sqlShape(t.query())
          : method != null ? method : UNKNOWN;
      case REDIS -> method != null ? method.toUpperCase(Locale.ROOT) : UNKNOWN;
      default -> method != null ? method : UNKNOWN;
    };
    return cut(endpoint);
  }

  /**
   * A path with its variable segments as {@value #ID}: a segment is variable when it is a number
   * ({@code 123}, {@code -4}, {@code 1.5}), a UUID, a hexadecimal id of 8 characters or more with a
   * digit in it, a date or other run of digits and separators ({@code 2026-12-02}), an e-mail
   * address, or a token of 16 characters or more mixing letters and digits. Words stay
   * ({@code v2}, {@code orders}, {@code index.html}). Empty segments stay as they are; the query
   * string, if the path still has one, goes.
   */
  public static String path(String path) {
    if (path == null || path.isEmpty()) {
      return "/";
    }
    int end = path.length();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    StringBuilder out = new StringBuilder(Math.min(end, MAX_LENGTH) + 8);
    int segments = 0;
    int start = 0;
    while (start <= end) {
      int slash = path.indexOf('/', start);
      int stop = slash < 0 || slash > end ? end : slash;
      if (segments == MAX_SEGMENTS) {
        out.append("...");
        break;
      }
      if (isVariable(path, start, stop)) {
        out.append(ID);
      } else {
        out.append(path, start, stop);
      }
      segments++;
      if (stop == end || out.length() > MAX_LENGTH) {
        break;
      }
      out.append('/');
      start = stop + 1;
    }
    return out.isEmpty() ? "/" : out.toString();
  }

  static boolean isVariable(String s, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return false;
    }
    int digits = 0;
    int letters = 0;
    int hex = 0;
    int separators = 0;
    int other = 0;
    boolean at = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
        hex++;
      } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
        letters++;
        hex++;
      } else if ((c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z')) {
        letters++;
      } else if (c == '-' || c == '.' || c == '_' || c == ':' || c == ',' || c == '+'
          || c == '~') {
        separators++;
      } else if (c == '@') {
        at = true;
        other++;
      } else if (c == '%') {
        other++;
      } else {
        other++;
      }
    }
    if (digits == 0) {
      return at && n > 2; // an e-mail address
    }
    if (letters == 0 && other == 0) {
      return true; // 123, -4, 1.5, 2026-12-02, 10:30:00, 1,2,3
    }
    if (isUuid(s, from, to)) {
      return true;
    }
    if (hex == n && n >= 8) {
      return true; // deadbeef01, a 40-character commit
    }
    if (at) {
      return true;
    }
    return n >= 16 && letters > 0 && other == 0 && separators <= n / 4; // base64url / nanoid tokens
  }

  private static boolean isUuid(String s, int from, int to) {
    if (to - from != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(from + i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : Character.digit(c, 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The shape of a SQL statement: string, numeric, hexadecimal and dollar-quoted literals become
   * {@code ?}, lists of them one {@code ?} ({@code IN (1, 2, 3)} becomes {@code IN (?)},
   * {@code VALUES (1,'a'),(2,'b')} becomes {@code VALUES (?)}), comments go and whitespace becomes
   * one space. Placeholders ({@code ?}, {@code $1}) are literals too, so that a list of them of any
   * length has one shape. Identifiers, quoted ones too, keywords and named parameters
   * ({@code :name}) stay as written.
   */
  public static String sqlShape(String sql) {
    int n = Math.min(sql.length(), MAX_SQL);
    StringBuilder out = new StringBuilder(Math.min(n, MAX_LENGTH * 2));
    int i = 0;
    while (i < n && out.length() <= MAX_LENGTH * 2) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        space(out);
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int nl = sql.indexOf('\n', i);
        i = nl < 0 || nl >= n ? n : nl + 1;
        space(out);
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int e = sql.indexOf("*/", i + 2);
        i = e < 0 || e >= n ? n : e + 2;
        space(out);
      } else if (c == '\'') {
        i = skipQuoted(sql, i, n, '\'');
        literal(out);
      } else if ((c == 'E' || c == 'e' || c == 'N' || c == 'n' || c == 'B' || c == 'b' || c == 'X'
          || c == 'x') && i + 1 < n && sql.charAt(i + 1) == '\'' && !identBefore(out)) {
        i = skipQuoted(sql, i + 1, n, '\''); // E'..', N'..', B'..', X'..'
        literal(out);
      } else if (c == '"' || c == '`') {
        int e = skipQuoted(sql, i, n, c); // an identifier: kept
        out.append(sql, i, e);
        i = e;
      } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))
          && !identBefore(out)) {
        i = skipNumber(sql, i + 1, n); // $1: a placeholder, as a literal
        literal(out);
      } else if (c == '$' && i + 1 < n && (sql.charAt(i + 1) == '$'
          || Character.isLetter(sql.charAt(i + 1)) || sql.charAt(i + 1) == '_')) {
        int tagEnd = sql.indexOf('$', i + 1);
        String tag = tagEnd < 0 || tagEnd >= n ? null : sql.substring(i, tagEnd + 1);
        if (tag != null && isDollarTag(tag)) {
          int close = sql.indexOf(tag, tagEnd + 1);
          i = close < 0 || close >= n ? n : close + tag.length();
          literal(out);
        } else {
          out.append(c);
          i++;
        }
      } else if (c >= '0' && c <= '9' && !identBefore(out)) {
        i = skipNumber(sql, i, n);
        literal(out);
      } else if ((c == '-' || c == '+') && i + 1 < n && Character.isDigit(sql.charAt(i + 1))
          && signPosition(out)) {
        i = skipNumber(sql, i + 1, n);
        literal(out);
      } else if (c == ',') {
        trimSpace(out);
        out.append(',');
        i++;
      } else if (c == ')') {
        trimSpace(out);
        out.append(')');
        i++;
        collapseRows(out);
      } else if (c == '?') {
        i++; // a placeholder: one of a list of them is the list
        literal(out);
      } else {
        out.append(c);
        i++;
      }
    }
    trimSpace(out);
    if (out.length() > 0 && out.charAt(out.length() - 1) == ';') {
      out.setLength(out.length() - 1);
      trimSpace(out);
    }
    return out.isEmpty() ? UNKNOWN : out.toString();
  }

  /** Appends a literal's {@code ?}, or nothing when it continues a list of them. */
  private static void literal(StringBuilder out) {
    int len = out.length();
    int k = len;
    while (k > 0 && out.charAt(k - 1) == ' ') {
      k--;
    }
    if (k >= 2 && out.charAt(k - 1) == ',' && out.charAt(k - 2) == '?') {
      out.setLength(k - 1); // "?, ?" is "?"
      return;
    }
    out.append('?');
  }

  /** {@code (?),(?)} at the end of the output becomes {@code (?)}. */
  private static void collapseRows(StringBuilder out) {
    int len = out.length();
    if (len >= 7 && out.charAt(len - 1) == ')' && out.charAt(len - 2) == '?'
        && out.charAt(len - 3) == '(') {
      int k = len - 4;
      while (k >= 0 && out.charAt(k) == ' ') {
        k--;
      }
      if (k >= 3 && out.charAt(k) == ',') {
        int j = k - 1;
        while (j >= 0 && out.charAt(j) == ' ') {
          j--;
        }
        if (j >= 2 && out.charAt(j) == ')' && out.charAt(j - 1) == '?' && out.charAt(j - 2) == '(') {
          out.setLength(j + 1);
        }
      }
    }
  }

  private static void space(StringBuilder out) {
    if (!out.isEmpty() && out.charAt(out.length() - 1) != ' ') {
      out.append(' ');
    }
  }

  private static void trimSpace(StringBuilder out) {
    while (!out.isEmpty() && out.charAt(out.length() - 1) == ' ') {
      out.setLength(out.length() - 1);
    }
  }

  /** Whether the output ends inside an identifier (a digit there continues it: {@code t1}). */
  private static boolean identBefore(StringBuilder out) {
    if (out.isEmpty()) {
      return false;
    }
    char p = out.charAt(out.length() - 1);
    return Character.isLetterOrDigit(p) || p == '_' || p == '$' || p == '@' || p == ':'
        || p == '#';
  }

  /** Whether a sign here belongs to a number ({@code = -5}, {@code (-5}) rather than subtracts. */
  private static boolean signPosition(StringBuilder out) {
    int k = out.length();
    while (k > 0 && out.charAt(k - 1) == ' ') {
      k--;
    }
    if (k == 0) {
      return true;
    }
    char p = out.charAt(k - 1);
    return p == '(' || p == ',' || p == '=' || p == '<' || p == '>' || p == '!';
  }

  private static int skipQuoted(String s, int i, int n, char q) {
    int j = i + 1;
    while (j < n) {
      char c = s.charAt(j);
      if (c == '\\' && q == '\'' && j + 1 < n) {
        j += 2;
      } else if (c == q) {
        if (j + 1 < n && s.charAt(j + 1) == q) {
          j += 2; // '' inside a string
        } else {
          return j + 1;
        }
      } else {
        j++;
      }
    }
    return n;
  }

  private static int skipNumber(String s, int i, int n) {
    if (s.startsWith("0x", i) || s.startsWith("0X", i)) {
      int j = i + 2;
      while (j < n && Character.digit(s.charAt(j), 16) >= 0) {
        j++;
      }
      return j;
    }
    int j = i;
    while (j < n) {
      char c = s.charAt(j);
      if (Character.isDigit(c) || c == '.') {
        j++;
      } else if ((c == 'e' || c == 'E') && j + 1 < n && (Character.isDigit(s.charAt(j + 1))
          || ((s.charAt(j + 1) == '-' || s.charAt(j + 1) == '+') && j + 2 < n
          && Character.isDigit(s.charAt(j + 2))))) {
        j += 2;
      } else {
        break;
      }
    }
    return j;
  }

  private static boolean isDollarTag(String tag) {
    for (int k = 1; k < tag.length() - 1; k++) {
      char c = tag.charAt(k);
      if (!Character.isLetterOrDigit(c) && c != '_') {
        return false;
      }
    }
    return !(tag.length() > 2 && Character.isDigit(tag.charAt(1)));
  }

  private static String cut(String s) {
    if (s.length() <= MAX_LENGTH) {
      return s;
    }
    int end = MAX_LENGTH - 3;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "...";
  }
}
