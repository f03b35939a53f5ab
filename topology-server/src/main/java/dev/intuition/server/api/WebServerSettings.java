package dev.intuition.server.api;

import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat as the API needs it: every error report valve on the host (Tomcat's own, the one Spring
 * Boot adds) replaced by {@link JsonErrorValve} once the host has started, before the connector
 * takes requests, so that requests refused before Spring sees them still get a JSON error.
 */
@Component
class WebServerSettings implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {
  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addContextCustomizers(context -> {
      if (context.getParent() instanceof StandardHost host) {
        host.setErrorReportValveClass(JsonErrorValve.class.getName());
        host.addLifecycleListener(event -> {
          if (Lifecycle.AFTER_START_EVENT.equals(event.getType())) {
            useJsonErrors(host);
          }
        });
      }
    });
  }

  static void useJsonErrors(StandardHost host) {
    boolean ours = false;
    for (Valve v : host.getPipeline().getValves()) {
      if (v instanceof JsonErrorValve) {
        ours = true;
      } else if (v instanceof ErrorReportValve) {
        host.getPipeline().removeValve(v);
      }
    }
    if (!ours) {
      host.getPipeline().addValve(new JsonErrorValve());
    }
  }
}
