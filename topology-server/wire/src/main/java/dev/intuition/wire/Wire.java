package dev.intuition.wire;

/**
 * The constants of the agent-to-server protocol (docs/wire-format.md), written once for the agent,
 * {@code replay} and the server.
 */
public final class Wire {
  private Wire() {}

  /** The version of the format this code writes: summaries and samples (docs/wire-format.md). */
  public static final int VERSION = 2;
  /** The oldest version this code still reads: one transaction per call, each counted. */
  public static final int OLDEST_VERSION = 1;
  /** Where batches are posted. */
  public static final String PATH = "/api/v1/ingest";
  /** The version of the body, also in the body's {@code version} member. */
  public static final String VERSION_HEADER = "X-Intuition-Wire-Version";
  /** The agent's clock at this attempt (a batch sent again keeps its {@code sentAt}). */
  public static final String SENT_AT_HEADER = "X-Intuition-Sent-At";
  /** Bearer token: {@code Authorization: Bearer <INTUITION_TOKEN>}. */
  public static final String AUTHORIZATION_HEADER = "Authorization";
  public static final String BEARER = "Bearer ";
  /** The media type of a batch (gzip-compressed on the way, {@code Content-Encoding: gzip}). */
  public static final String CONTENT_TYPE = "application/json";
}
