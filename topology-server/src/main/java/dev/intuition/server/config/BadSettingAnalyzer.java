package dev.intuition.server.config;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Turns a setting that cannot be used into one line that names it, instead of Spring's account of
 * its binding: {@code intuition.graph.live-window: 1s is less than the least it can be, 10s}. Also a
 * value that is not of its setting's type ({@code intuition.stream.max-viewers=many}).
 */
public final class BadSettingAnalyzer extends AbstractFailureAnalyzer<BindException>
    implements Ordered {
  @Override
  protected FailureAnalysis analyze(Throwable root, BindException cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof BadSettingException bad) {
        return new FailureAnalysis("intuition server: bad setting " + bad.getMessage(),
            "Correct " + bad.setting() + " (README: Configuration).", cause);
      }
    }
    String name = cause.getName() == null ? null : cause.getName().toString();
    if (name == null || !name.startsWith("intuition")) {
      return null;
    }
    Object value = cause.getProperty() == null ? null : cause.getProperty().getValue();
    Throwable reason = cause.getCause();
    while (reason != null && reason.getCause() != null && reason.getCause() != reason) {
      reason = reason.getCause();
    }
    return new FailureAnalysis("intuition server: bad setting " + name
        + (value == null ? "" : ": '" + value + "'") + " cannot be used"
        + (reason == null || reason.getMessage() == null ? "" : " (" + reason.getMessage() + ")"),
        "Correct " + name + " (README: Configuration).", cause);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
