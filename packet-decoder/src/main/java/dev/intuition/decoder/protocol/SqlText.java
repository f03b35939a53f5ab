package dev.intuition.decoder.protocol;

import java.util.Locale;

/**
 * What a transaction shows of a SQL statement: its verb ({@code method}) and the table it works on
 * ({@code resource}) where a light scan can tell, skipping comments and any whitespace (CR included).
 */
public final class SqlText {
  private SqlText() {}

  /** The statement's first keyword in upper case (SELECT, INSERT, ...), or null. */
  public static String verb(String sql) {
    int i = skipSpaceAndComments(sql, 0);
    while (i < sql.length() && sql.charAt(i) == '(') {
      i = skipSpaceAndComments(sql, i + 1);
    }
    int j = i;
    while (j < sql.length() && Character.isLetter(sql.charAt(j))) {
      j++;
    }
    return j > i ? sql.substring(i, j).toUpperCase(Locale.ROOT) : null;
  }

  /** The first table named after FROM, INTO, UPDATE, JOIN or TABLE, or null. */
  public static String table(String sql) {
    String verb = verb(sql);
    if (verb == null) {
      return null;
    }
    int n = Math.min(sql.length(), 4096);
    String lower = sql.substring(0, n).toLowerCase(Locale.ROOT);
    String[] markers = switch (verb) {
      case "INSERT", "REPLACE" -> new String[] {"into"};
      case "UPDATE" -> new String[] {"update"};
      case "CREATE", "DROP", "ALTER", "TRUNCATE" -> new String[] {"table", "view", "index"};
      case "SELECT", "DELETE", "WITH" -> new String[] {"from"};
      case "COPY" -> new String[] {"copy"};
      default -> new String[0];
    };
    for (String marker : markers) {
      int at = findWord(lower, marker);
      if (at >= 0) {
        String name = identifierAfter(sql, lower, at + marker.length());
        if (name != null) {
          return name;
        }
      }
    }
    return null;
  }

  private static int findWord(String lower, String word) {
    int from = 0;
    while (true) {
      int at = lower.indexOf(word, from);
      if (at < 0) {
        return -1;
      }
      boolean startOk = at == 0 || !isIdentChar(lower.charAt(at - 1));
      int end = at + word.length();
      boolean endOk = end == lower.length() || !isIdentChar(lower.charAt(end));
      if (startOk && endOk) {
        return at;
      }
      from = at + 1;
    }
  }

  private static String identifierAfter(String sql, String lower, int i) {
    i = skipSpaceAndComments(sql, i);
    for (String skip : new String[] {"if not exists", "if exists", "only", "concurrently"}) {
      if (lower.startsWith(skip, i)) {
        i = skipSpaceAndComments(sql, i + skip.length());
      }
    }
    StringBuilder name = new StringBuilder();
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '"' || c == '`' || c == '[') {
        char close = c == '[' ? ']' : c;
        int e = sql.indexOf(close, i + 1);
        if (e < 0) {
          break;
        }
        name.append(sql, i + 1, e);
        i = e + 1;
      } else if (isIdentChar(c)) {
        int s = i;
        while (i < sql.length() && isIdentChar(sql.charAt(i))) {
          i++;
        }
        name.append(sql, s, i);
      } else {
        break;
      }
      if (i < sql.length() && sql.charAt(i) == '.') {
        name.append('.');
        i++;
      } else {
        break;
      }
    }
    return name.isEmpty() || name.charAt(0) == '(' ? null : name.toString();
  }

  private static boolean isIdentChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  private static int skipSpaceAndComments(String s, int i) {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (s.startsWith("--", i) || (c == '#' && i == 0)) {
        int nl = s.indexOf('\n', i);
        i = nl < 0 ? s.length() : nl + 1;
      } else if (s.startsWith("/*", i)) {
        int e = s.indexOf("*/", i + 2);
        i = e < 0 ? s.length() : e + 2;
      } else {
        break;
      }
    }
    return i;
  }
}
