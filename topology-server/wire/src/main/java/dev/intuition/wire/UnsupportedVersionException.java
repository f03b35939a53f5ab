package dev.intuition.wire;

/** A batch of a wire version this code does not speak. */
public final class UnsupportedVersionException extends WireFormatException {
  private final String version;

  public UnsupportedVersionException(String version) {
    super("wire version " + version + " is not supported; this server speaks versions "
        + Wire.OLDEST_VERSION + " to " + Wire.VERSION);
    this.version = version;
  }

  public String version() {
    return version;
  }
}
