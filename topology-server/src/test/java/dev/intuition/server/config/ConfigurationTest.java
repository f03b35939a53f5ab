package dev.intuition.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.server.TopologyServer;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;

/**
 * The server's settings: every one is in the README's configuration table with the default the code
 * has (and nothing else is), so the two cannot drift; a bad value stops the server with one line that
 * names the setting.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationTest {
  /** Every setting with its default, as the README writes it, from the records themselves. */
  static Map<String, String> declared() {
    Map<String, String> out = new TreeMap<>();
    IntuitionProperties defaults = new IntuitionProperties(null, null, null, null, null, null,
        null, null, null, null);
    walk("intuition", defaults, out);
    return out;
  }

  private static void walk(String prefix, Record r, Map<String, String> out) {
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      String name = prefix + "." + kebab(c.getName());
      Object value;
      try {
        value = c.getAccessor().invoke(r);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
      if (value instanceof Record nested) {
        walk(name, nested, out);
      } else {
        out.put(name, render(value));
      }
    }
  }

  static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** A default as the README writes it: 5m, 30s, 300ms, 320MB, a list comma-separated. */
  static String render(Object v) {
    if (v == null || "".equals(v)) {
      return "(none)";
    }
    if (v instanceof Duration d) {
      if (d.toMillis() % 1000 != 0) {
        return d.toMillis() + "ms";
      }
      long s = d.toSeconds();
      return s % 86_400 == 0 && s > 86_400 ? s / 86_400 + "d" : s % 3600 == 0 && s > 0 ? s / 3600 + "h"
          : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
    }
    if (v instanceof DataSize size) {
      return IntuitionProperties.size(size);
    }
    if (v instanceof List<?> list) {
      return list.isEmpty() ? "(none)" : String.join(",", list.stream().map(String::valueOf)
          .toList());
    }
    return String.valueOf(v);
  }

  /** The README's configuration table: setting name to default, as written. */
  static Map<String, String> documented() throws IOException {
    Path readme = Path.of(System.getProperty("user.dir")).getParent().resolve("README.md");
    String text = Files.readString(readme);
    int start = text.indexOf("### Configuration");
    assertTrue(start >= 0, "the README has a '### Configuration' section");
    int end = text.indexOf("\n#", start + 5);
    String section = text.substring(start, end < 0 ? text.length() : end);
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^\\| `(intuition\\.[a-z0-9.-]+)` \\| `([^`]*)` \\|")
        .matcher(section);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  @Test
  void theReadmeTableListsEverySettingWithItsDefault() throws IOException {
    Map<String, String> declared = declared();
    Map<String, String> documented = documented();
    List<String> problems = new ArrayList<>();
    declared.forEach((name, value) -> {
      if (!documented.containsKey(name)) {
        problems.add("missing from the README: | `" + name + "` | `" + value + "` | ... |");
      } else if (!documented.get(name).equals(value)) {
        problems.add(name + ": the README says `" + documented.get(name) + "`, the code " + value);
      }
    });
    documented.keySet().stream().filter(n -> !declared.containsKey(n))
        .forEach(n -> problems.add("in the README but no such setting: " + n));
    assertEquals(List.of(), problems, String.join("\n", problems));
    assertTrue(declared.size() > 50, declared.size() + " settings");
  }

  private static Throwable startWith(String... args) {
    List<String> all = new ArrayList<>(List.of("--server.port=0", "--intuition.token=t",
        "--intuition.graph.tick=false"));
    all.addAll(List.of(args));
    return assertThrows(Throwable.class, () -> SpringApplication.run(TopologyServer.class,
        all.toArray(String[]::new)).close());
  }

  @Test
  void aValueOutOfRangeStopsTheServerWithOneLineNamingIt(CapturedOutput output) {
    Throwable e = startWith("--intuition.graph.live-window=1s");
    FailureAnalysis a = new BadSettingAnalyzer().analyze(e);
    assertEquals("intuition server: bad setting intuition.graph.live-window: 1s is less than the "
        + "least it can be, 10s", a.getDescription());
    assertTrue(output.getAll().contains(a.getDescription()), "printed when the server stops");
    assertEquals("intuition server: bad setting intuition.storage.type: 'mongo' is not a store: "
        + "memory or elasticsearch", new BadSettingAnalyzer().analyze(
            startWith("--intuition.storage.type=mongo")).getDescription());
    assertEquals("intuition server: bad setting intuition.ingest.max-in-flight-bytes: 1MB is less "
        + "than intuition.ingest.max-body-bytes (16MB): no maximal batch could ever be taken",
        new BadSettingAnalyzer().analyze(startWith("--intuition.ingest.max-in-flight-bytes=1MB"))
            .getDescription());
  }

  @Test
  void aValueOfTheWrongTypeStopsTheServerWithOneLineNamingIt() {
    FailureAnalysis a = new BadSettingAnalyzer().analyze(
        startWith("--intuition.stream.max-viewers=many"));
    assertTrue(a.getDescription().startsWith("intuition server: bad setting "
        + "intuition.stream.max-viewers: 'many' cannot be used"), a.getDescription());
    assertTrue(!a.getDescription().contains("\n"), "one line");
  }
}
