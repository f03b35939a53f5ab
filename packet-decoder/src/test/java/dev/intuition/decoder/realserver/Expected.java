package dev.intuition.decoder.realserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Transaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a scripted session did, step by step, to compare one for one with what the decoder made of its
 * capture: the same number of transactions, in the same order, each with the expected method, status
 * and outcome (and rows where given), and no capture-quality note on any.
 */
final class Expected {
  record Step(String method, String status, Outcome outcome, Long rows, String queryPart) {}

  private final List<Step> steps = new ArrayList<>();

  Expected add(String method, String status, Outcome outcome) {
    steps.add(new Step(method, status, outcome, null, null));
    return this;
  }

  Expected add(String method, String status, Outcome outcome, long rows) {
    steps.add(new Step(method, status, outcome, rows, null));
    return this;
  }

  Expected query(String method, String queryPart, String status, Outcome outcome) {
    steps.add(new Step(method, status, outcome, null, queryPart));
    return this;
  }

  Expected query(String method, String queryPart, String status, Outcome outcome, long rows) {
    steps.add(new Step(method, status, outcome, rows, queryPart));
    return this;
  }

  int size() {
    return steps.size();
  }

  /**
   * Compares with the transactions in the order their requests started, after dropping those that
   * {@code driverChatter} recognises (statements a driver issues by itself when it connects).
   */
  void assertMatches(List<Transaction> all, Predicate<Transaction> driverChatter) {
    List<Transaction> ts = all.stream()
        .filter(t -> !driverChatter.test(t))
        .sorted(Comparator.comparing(Transaction::start,
            Comparator.nullsFirst(Comparator.naturalOrder())))
        .toList();
    StringBuilder listing = new StringBuilder();
    for (Transaction t : ts) {
      listing.append("\n  ").append(t.method()).append(' ').append(t.status()).append(' ')
          .append(t.outcome()).append(" rows=").append(t.rows()).append(' ').append(t.notes())
          .append(' ').append(t.query());
    }
    assertEquals(steps.size(), ts.size(), () -> "expected " + steps.size()
        + " transactions, decoded " + ts.size() + ":" + listing);
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      Transaction t = ts.get(i);
      String where = "transaction " + i + " of:" + listing;
      assertEquals(s.method(), t.method(), where);
      if (s.status() != null) {
        assertTrue(t.status() != null && t.status().startsWith(s.status()),
            () -> "status " + t.status() + " should start with " + s.status() + " in " + where);
      }
      assertEquals(s.outcome(), t.outcome(), where);
      if (s.rows() != null) {
        assertEquals(s.rows(), t.rows(), "rows in " + where);
      }
      if (s.queryPart() != null) {
        assertTrue(t.query() != null && t.query().contains(s.queryPart()),
            () -> "query should contain '" + s.queryPart() + "' in " + where);
      }
      assertTrue(t.notes().isEmpty(), "no capture-quality notes in " + where);
      assertTrue(t.durationMicros() != null && t.durationMicros() >= 0, where);
    }
  }
}
