package io.gantry.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code gantry-cni} launcher as installed by hand: its files copied into another directory (as into
 * /opt/cni/bin), called through symlinks, by a relative path, and with the start-up cache or its JDK
 * gone. Every way must answer VERSION, and the links must pass their own name as the plugin's name.
 */
class LauncherIT {
  private static final String VERSION = "{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\","
      + "\"1.0.0\",\"1.1.0\"]}";
  @TempDir Path temp;
  Path bin;

  @BeforeEach
  void install() throws Exception {
    bin = Files.createDirectory(temp.resolve("bin"));
    ServedPlugin.copyInstallation(bin);
  }

  /** Runs {@code argv} in {@code dir} with only CNI_COMMAND=VERSION and PATH; returns exit code and stdout. */
  static String[] version(Path dir, Map<String, String> extra, String... argv) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    builder.environment().put("CNI_COMMAND", "VERSION");
    builder.environment().putAll(extra);
    Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", argv) + " did not finish");
    return new String[] {Integer.toString(process.exitValue()), out};
  }

  static void assertVersion(String[] outcome) {
    assertEquals("0", outcome[0], outcome[1]);
    assertEquals(VERSION, outcome[1]);
  }

  @Test
  void aCopiedDirectoryWorksByAbsoluteAndRelativePath() throws Exception {
    assertVersion(version(temp, Map.of(), bin.resolve("gantry-cni").toString()));
    assertVersion(version(temp, Map.of(), "bin/gantry-cni"));
    assertVersion(version(bin, Map.of(), "./gantry-cni"));
  }

  @Test
  void symlinksFindTheFilesBesideTheirTargetAndPassTheirOwnName() throws Exception {
    Path links = Files.createDirectory(temp.resolve("links"));
    Files.createSymbolicLink(links.resolve("gantry-cni"), bin.resolve("gantry-cni"));
    Files.createSymbolicLink(links.resolve("relative"), Path.of("../bin/gantry-cni"));
    assertVersion(version(temp, Map.of(), links.resolve("gantry-cni").toString()));
    assertVersion(version(temp, Map.of(), links.resolve("relative").toString()));
    // Called by another name, the plugin takes that name as its own type: a config of type "relative"
    // is bridge mode through the link of that name (which rejects the bridge name, code 7) and IPAM mode
    // through the other (which ignores it and finds the netns missing, code 3). Neither touches anything.
    String conf = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"relative\",\"bridge\":\"no/slash\","
        + "\"ipam\":{\"dataDir\":\"" + temp.resolve("data") + "\",\"ranges\":[[{\"subnet\":\"10.205.0.0/24\"}]]}}";
    assertTrue(add(links.resolve("relative"), conf).contains("\"code\":7"));
    assertTrue(add(links.resolve("gantry-cni"), conf).contains("\"code\":3"));
    assertTrue(Files.notExists(temp.resolve("data")));
  }

  String add(Path launcher, String conf) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(launcher.toString());
    builder.environment().clear();
    builder.environment().putAll(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c1", "CNI_IFNAME", "eth0",
        "CNI_NETNS", temp.resolve("missing").toString()));
    Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (var in = process.getOutputStream()) {
      in.write(conf.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, process.exitValue(), out);
    return out;
  }

  @Test
  void withoutTheCacheOrItsJdkTheLauncherStillFindsAJava() throws Exception {
    Files.deleteIfExists(bin.resolve("gantry-cni.aot"));
    Files.deleteIfExists(bin.resolve("gantry-cni.jsa"));
    assertVersion(version(temp, Map.of(), bin.resolve("gantry-cni").toString()));
    Files.writeString(bin.resolve("gantry-cni.jdk"), temp.resolve("gone/bin/java") + "\n");
    assertVersion(version(temp, Map.of(), bin.resolve("gantry-cni").toString()));
  }

  @Test
  void gantryCniJavaHomeComesFirstAndAnUnusableOneIsSkipped() throws Exception {
    String home = System.getProperty("java.home");
    assertVersion(version(temp, Map.of("GANTRY_CNI_JAVA_HOME", home), bin.resolve("gantry-cni").toString()));
    assertVersion(version(temp, Map.of("GANTRY_CNI_JAVA_HOME", temp.resolve("nothing").toString()),
        bin.resolve("gantry-cni").toString()));
  }
}
