package dev.intuition.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/lib/java.sh, which ./intuition, ./mvnw and the scripts source to find a JDK: the version
 * read from a JDK's {@code release} file (or asked of its {@code java}), and the choice of JDK.
 */
class LauncherScriptTest {
  @TempDir Path dir;

  private String bash(String script) throws Exception {
    return Shell.sh("bash", "-c", ". '" + Shell.script("lib/java.sh") + "'; " + script);
  }

  private Path jdk(String name, String release) throws Exception {
    Path home = Files.createDirectories(dir.resolve(name).resolve("bin"));
    Path javac = home.resolve("javac");
    Files.writeString(javac, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(javac, PosixFilePermissions.fromString("rwxr-xr-x"));
    if (release != null) {
      Files.writeString(dir.resolve(name).resolve("release"), release);
    }
    return dir.resolve(name);
  }

  private String major(Path home) throws Exception {
    return bash("read_java_major '" + home + "'; echo \"[$JAVA_MAJOR]\"");
  }

  @Test
  void theVersionIsReadFromTheReleaseFile() throws Exception {
    assertEquals("[25]", major(jdk("a", "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\n")));
    assertEquals("[21]", major(jdk("b", "JAVA_VERSION=\"21\"\n")));
    assertEquals("[8]", major(jdk("c", "JAVA_VERSION=\"1.8.0_392\"\n")));
    assertEquals("[26]", major(jdk("d", "JAVA_VERSION=\"26-ea\"")), "no final line break");
    assertEquals("[]", major(jdk("e", "IMPLEMENTOR=\"x\"\n")), "no version, no java to ask");
    assertEquals("[]", major(jdk("f", null)));
  }

  @Test
  void aJdkWithoutAVersionInItsReleaseFileIsAsked() throws Exception {
    Path home = jdk("asked", null);
    Path java = home.resolve("bin").resolve("java");
    Files.writeString(java, "#!/bin/sh\necho 'Property settings:' >&2\n"
        + "echo '    java.specification.version = 22' >&2\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertEquals("[22]", major(home));
  }

  @Test
  void javaHomeIsKeptWhenItIsNewEnoughAndReplacedWhenNot() throws Exception {
    Path recent = jdk("recent", "JAVA_VERSION=\"21.0.9\"\n");
    assertEquals(recent + " 21", bash("JAVA_HOME='" + recent + "'; find_jdk; echo \"$JAVA_HOME $JAVA_MAJOR\""));

    Path old = jdk("old", "JAVA_VERSION=\"17.0.15\"\n");
    String chosen = Shell.sh("env", "JAVA_HOME=" + old, "bash", "-c",
        ". '" + Shell.script("lib/java.sh") + "'; echo \"$JAVA_HOME $JAVA_MAJOR\"");
    String[] parts = chosen.split(" ");
    assertNotEquals(old.toString(), parts[0], "a JDK 17 in JAVA_HOME is passed over");
    assertTrue(Integer.parseInt(parts[1]) >= 21, chosen);
    assertTrue(Files.isExecutable(Path.of(parts[0], "bin", "java")), chosen);
  }
}
