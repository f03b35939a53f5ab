package dev.intuition.server.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.intuition.core.ingest.TransactionCheck;
import dev.intuition.decoder.Transaction;
import dev.intuition.server.api.ApiException;
import dev.intuition.wire.Batch;
import dev.intuition.wire.UnsupportedVersionException;
import dev.intuition.wire.Wire;
import dev.intuition.wire.WireCodec;
import dev.intuition.wire.WireFormatException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipException;
import org.springframework.http.HttpStatus;

/**
 * Reads one batch (docs/wire-format.md) from a request body as a stream, through the wire model's
 * {@link WireCodec}: token by token, one transaction at a time, each checked and cut to the limits as
 * it is read, so the body is never held whole, neither as bytes nor as a tree. Nothing is applied
 * here; a batch that fails anywhere is refused whole. What may go wrong, and the answer: a body over
 * {@code maxRequestBytes} as sent or {@code maxBodyBytes} decompressed, 413; gzip that is empty,
 * truncated, corrupt or followed by other bytes, malformed JSON, JSON after the batch, a transaction
 * the graph cannot count, 400 (naming the transaction); a wire version this server does not speak,
 * 426; the in-flight budget spent, 503 (the agent sends it again).
 */
final class BatchReader {
  /** A batch, checked: what the wire carried, and how many transactions had texts cut. */
  record Checked(Batch batch, int truncated) {}

  private final TransactionCheck check;
  private final long maxRequestBytes;
  private final long maxBodyBytes;

  BatchReader(TransactionCheck check, long maxRequestBytes, long maxBodyBytes) {
    this.check = check;
    this.maxRequestBytes = maxRequestBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * @param encoding the Content-Encoding: null, identity or gzip
   * @param lease where the decompressed bytes are accounted while the batch is in flight
   */
  Checked read(InputStream body, long contentLength, String encoding, InFlightBytes.Lease lease) {
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
    AtomicInteger truncated = new AtomicInteger();
    try (JsonParser p = WireCodec.factory().createParser(in)) {
      Batch batch = WireCodec.readBatch(p, (i, t) -> {
        String problem = check.problem(t);
        if (problem != null) {
          throw new WireFormatException("transaction " + i + " " + problem
              + "; nothing of this batch was applied");
        }
        Transaction cut = check.truncated(t);
        if (cut != t) {
          truncated.incrementAndGet();
        }
        return cut;
      });
      return new Checked(batch, truncated.get());
    } catch (TooLarge e) {
      throw tooLarge(e.what, e.limit);
    } catch (InFlightBytes.Exhausted e) {
      throw new Overloaded(e.getMessage());
    } catch (UnsupportedVersionException e) {
      throw unsupported(e.version());
    } catch (WireFormatException | ZipException e) {
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

  static ApiException unsupported(Object version) {
    return new ApiException(HttpStatus.UPGRADE_REQUIRED, "wire version " + version
        + " is not supported; this server speaks versions " + Wire.OLDEST_VERSION + " to "
        + Wire.VERSION);
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
