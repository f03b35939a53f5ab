package dev.intuition.server.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.decoder.Transaction;
import dev.intuition.server.api.ApiException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipException;
import org.springframework.http.HttpStatus;

/**
 * Reads one batch (docs/wire-format.md) from a request body as a stream: token by token, one
 * transaction at a time, each checked and cut to the limits as it is read, so the body is never held
 * whole, neither as bytes nor as a tree. Nothing is applied here; a batch that fails anywhere is
 * refused whole. What may go wrong, and the answer: a body over {@code maxRequestBytes} as sent or
 * {@code maxBodyBytes} decompressed, 413; gzip that is empty, truncated, corrupt or followed by other
 * bytes, malformed JSON, JSON after the batch, a transaction the graph cannot count, 400 (naming the
 * transaction); the in-flight budget spent, 503 (the agent sends it again).
 */
final class BatchReader {
  /** A batch, checked. */
  record Batch(int version, String agentId, String agentHost, String run, long sequence,
      String sentAtText, Instant sentAt, List<Transaction> transactions, JsonNode inventory,
      JsonNode health, int truncated) {}

  private final ObjectMapper json;
  private final TransactionCheck check;
  private final long maxRequestBytes;
  private final long maxBodyBytes;

  BatchReader(ObjectMapper json, TransactionCheck check, long maxRequestBytes, long maxBodyBytes) {
    this.json = json;
    this.check = check;
    this.maxRequestBytes = maxRequestBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * @param encoding the Content-Encoding: null, identity or gzip
   * @param lease where the decompressed bytes are accounted while the batch is in flight
   */
  Batch read(InputStream body, long contentLength, String encoding, InFlightBytes.Lease lease) {
    if (contentLength > maxRequestBytes) {
      throw tooLarge("request", maxRequestBytes);
    }
    InputStream in = new Limited(body, maxRequestBytes, "request", null);
    if (encoding != null && encoding.trim().equalsIgnoreCase("gzip")) {
      in = new GzipBody(in);
    } else if (encoding != null && !encoding.isBlank()
        && !encoding.trim().equalsIgnoreCase("identity")) {
      throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "Content-Encoding " + encoding + " is not supported (gzip or none)");
    }
    in = new Limited(in, maxBodyBytes, "decompressed body", lease);
    try (JsonParser p = json.getFactory().createParser(in)) {
      return parse(p);
    } catch (TooLarge e) {
      throw tooLarge(e.what, e.limit);
    } catch (InFlightBytes.Exhausted e) {
      throw new Overloaded(e.getMessage());
    } catch (ZipException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, e.getMessage());
    } catch (JsonProcessingException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "malformed batch: "
          + e.getOriginalMessage() + where(e));
    } catch (EOFException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "the body ended early: " + e.getMessage());
    } catch (IOException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "the body could not be read: "
          + e.getMessage());
    }
  }

  private static String where(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (at byte " + e.getLocation().getByteOffset() + ")";
  }

  private Batch parse(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "empty body: a batch is a JSON object");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "a batch is a JSON object, got " + first);
    }
    Integer version = null;
    String agentId = null;
    String agentHost = null;
    String run = null;
    long sequence = 0;
    String sentAtText = null;
    List<Transaction> transactions = null;
    JsonNode inventory = null;
    JsonNode health = null;
    int truncated = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "version" -> {
          if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "'version' must be a number");
          }
          version = p.getIntValue();
          if (version != IngestController.WIRE_VERSION) {
            throw unsupported(version);
          }
        }
        case "agent" -> {
          JsonNode agent = p.readValueAsTree();
          if (agent != null && agent.isObject()) {
            agentId = text(agent, "id");
            agentHost = text(agent, "host");
            run = run != null ? run : text(agent, "run");
          }
        }
        case "run" -> run = value == JsonToken.VALUE_STRING ? p.getText() : run;
        case "sequence" -> {
          if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NULL) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "'sequence' must be a number");
          }
          sequence = value == JsonToken.VALUE_NULL ? 0 : p.getLongValue();
        }
        case "sentAt" -> sentAtText = value == JsonToken.VALUE_STRING ? p.getText() : null;
        case "transactions" -> {
          if (value != JsonToken.START_ARRAY) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "'transactions' must be an array");
          }
          transactions = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            int i = transactions.size();
            Transaction t;
            try {
              t = p.currentToken() == JsonToken.VALUE_NULL ? null
                  : json.readValue(p, Transaction.class);
            } catch (JsonProcessingException e) {
              throw new ApiException(HttpStatus.BAD_REQUEST, "malformed batch: transaction " + i
                  + ": " + e.getOriginalMessage() + where(e));
            }
            String problem = check.problem(t);
            if (problem != null) {
              throw new ApiException(HttpStatus.BAD_REQUEST, "transaction " + i + " " + problem
                  + "; nothing of this batch was applied");
            }
            Transaction cut = check.truncated(t);
            if (cut != t) {
              truncated++;
            }
            transactions.add(cut);
          }
        }
        case "inventory" -> inventory = p.readValueAsTree();
        case "health" -> health = p.readValueAsTree();
        default -> p.skipChildren();
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "malformed batch: expected a member name");
    }
    JsonToken after = p.nextToken(); // reads to the end: the gzip trailer is checked on the way
    if (after != null) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "unexpected " + after
          + " after the batch object");
    }
    if (version == null) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "the batch has no 'version'");
    }
    if (transactions == null) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "the batch has no 'transactions' array");
    }
    return new Batch(version, agentId, agentHost, run, sequence, sentAtText, instant(sentAtText),
        transactions, inventory != null && inventory.isObject() ? inventory : null,
        health != null && health.isObject() ? health : null, truncated);
  }

  static Instant instant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
  }

  static ApiException unsupported(Object version) {
    return new ApiException(HttpStatus.UPGRADE_REQUIRED, "wire version " + version
        + " is not supported; this server speaks version " + IngestController.WIRE_VERSION);
  }

  private static ApiException tooLarge(String what, long limit) {
    return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "the " + what + " is larger than "
        + limit + " bytes; send smaller batches");
  }

  /** The in-flight budget is spent: 503 with Retry-After. */
  static final class Overloaded extends ApiException {
    Overloaded(String message) {
      super(HttpStatus.SERVICE_UNAVAILABLE, message + "; send it again shortly",
          1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(3));
    }
  }

  /** Thrown by {@link Limited} when a stream goes past its limit. */
  static final class TooLarge extends IOException {
    final String what;
    final long limit;

    TooLarge(String what, long limit) {
      super(what + " over " + limit + " bytes");
      this.what = what;
      this.limit = limit;
    }
  }

  /** Reads at most {@code limit} bytes, then fails; takes what it reads from a lease, if any. */
  static final class Limited extends FilterInputStream {
    private final long limit;
    private final String what;
    private final InFlightBytes.Lease lease;
    private long read;

    Limited(InputStream in, long limit, String what, InFlightBytes.Lease lease) {
      super(in);
      this.limit = limit;
      this.what = what;
      this.lease = lease;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        if ((read += n) > limit) {
          throw new TooLarge(what, limit);
        }
        if (lease != null) {
          lease.take(n);
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return Math.max(0, read(new byte[(int) Math.min(n, 8192)], 0, (int) Math.min(n, 8192)));
    }
  }
}
