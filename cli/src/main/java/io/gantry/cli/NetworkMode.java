package io.gantry.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The two network modes of DESIGN.md: {@code host} (root, network namespaces) and {@code loopback}. */
enum NetworkMode {
  LOOPBACK, HOST;

  String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  static NetworkMode parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "loopback" -> LOOPBACK;
      case "host" -> HOST;
      default -> throw new IllegalArgumentException("--network: " + value + " (expected: loopback or host)");
    };
  }

  /** Host mode when running as root with a working {@code ip netns}; loopback otherwise. */
  static NetworkMode detect() {
    if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/sbin/ip"))
        && !Files.isExecutable(Path.of("/sbin/ip")) && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
      return LOOPBACK;
    }
    try {
      Process probe = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
      probe.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return probe.waitFor(5, TimeUnit.SECONDS) && probe.exitValue() == 0 ? HOST : LOOPBACK;
    } catch (IOException e) {
      return LOOPBACK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return LOOPBACK;
    }
  }
}
