package dev.intuition.server.api;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.storage.TransactionQuery;
import dev.intuition.core.storage.TransactionStore;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/transactions}: the requests behind an edge, newest first. Filters: {@code client},
 * {@code server} (service names as in the graph), {@code protocol}, {@code outcome},
 * {@code minDuration} (e.g. 250ms, 2s: the slowest), {@code from} / {@code to} (ISO-8601), {@code limit}
 * (default 100, at most 10000), {@code order} ({@code newest}, the default, or {@code slowest}).
 */
@RestController
@RequestMapping("/api/v1")
class TransactionsController {
  private final TransactionStore store;

  TransactionsController(TransactionStore store) {
    this.store = store;
  }

  @GetMapping("/transactions")
  Map<String, Object> transactions(@RequestParam(required = false) String client,
      @RequestParam(required = false) String server,
      @RequestParam(required = false) String protocol,
      @RequestParam(required = false) String outcome,
      @RequestParam(required = false) String minDuration,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(defaultValue = "100") int limit,
      @RequestParam(defaultValue = "newest") String order,
      @RequestParam(required = false) String endpoint) {
    TransactionQuery q;
    try {
      q = new TransactionQuery(client, server,
          protocol == null ? null : Protocol.fromWireName(protocol),
          outcome == null ? null : outcome(outcome),
          minDuration == null ? null : minDuration(minDuration),
          instant("from", from), instant("to", to), limit, slowest(order),
          endpoint == null || endpoint.isBlank() ? null : endpoint);
    } catch (IllegalArgumentException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, e.getMessage());
    }
    List<Transaction> found = store.find(q);
    return Map.of("count", found.size(), "transactions", found);
  }

  private static long minDuration(String text) {
    try {
      return GraphController.duration(text).toNanos() / 1000;
    } catch (ApiException e) {
      throw new IllegalArgumentException("minDuration must be a positive duration up to 31d "
          + "such as 250ms or 2s, got '" + GraphController.shorten(text) + "'");
    }
  }

  private static boolean slowest(String order) {
    return switch (order.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "newest" -> false;
      case "slowest" -> true;
      default -> throw new IllegalArgumentException("order must be newest or slowest, got '"
          + GraphController.shorten(order) + "'");
    };
  }

  private static Outcome outcome(String s) {
    try {
      return Outcome.fromWireName(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("outcome must be ok, warning or error, got '"
          + GraphController.shorten(s) + "'");
    }
  }

  private static Instant instant(String name, String v) {
    return v == null ? null : GraphController.instant(name, v);
  }
}
