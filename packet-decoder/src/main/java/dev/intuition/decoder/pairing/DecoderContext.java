package dev.intuition.decoder.pairing;

import dev.intuition.decoder.DecoderSettings;
import dev.intuition.decoder.DecoderStats;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.TransactionListener;
import dev.intuition.decoder.redact.Redactor;
import dev.intuition.decoder.tcp.MemoryBudget;

/** What every connection decoder of one pipeline shares: settings, counters, budget and the output. */
public record DecoderContext(
    DecoderSettings settings,
    DecoderStats stats,
    MemoryBudget budget,
    Redactor redactor,
    TransactionListener listener) {

  void emit(Transaction t) {
    stats.countTransaction(t.protocol());
    listener.transaction(t);
  }
}
