package dev.intuition.server.config;

/** A setting with a value the server cannot run with; the message names the setting. */
public final class BadSettingException extends IllegalArgumentException {
  private final String setting;

  public BadSettingException(String setting, String problem) {
    super(setting + ": " + problem);
    this.setting = setting;
  }

  public String setting() {
    return setting;
  }
}
