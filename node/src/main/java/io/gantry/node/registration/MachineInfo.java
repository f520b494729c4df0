package io.gantry.node.registration;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What this machine offers and is: CPUs, memory, boot and machine ids, OS image and kernel, as the
 * kubelet reports them in {@code status.capacity} and {@code status.nodeInfo}.
 *
 * @param cpus         available processors
 * @param memoryBytes  physical memory
 * @param machineId    /etc/machine-id, or ""
 * @param bootId       the kernel's boot id, or ""
 * @param osImage      PRETTY_NAME of /etc/os-release
 * @param kernel       the kernel release
 * @param architecture amd64, arm64, ...
 */
public record MachineInfo(int cpus, long memoryBytes, String machineId, String bootId, String osImage,
    String kernel, String architecture) {

  public static MachineInfo detect() {
    long memory = 0;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize();
    }
    String arch = System.getProperty("os.arch", "");
    arch = switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> arch.toLowerCase(Locale.ROOT);
    };
    String osImage = "Linux";
    for (String line : lines(Path.of("/etc/os-release"))) {
      if (line.startsWith("PRETTY_NAME=")) {
        osImage = line.substring("PRETTY_NAME=".length()).replace("\"", "");
      }
    }
    return new MachineInfo(Runtime.getRuntime().availableProcessors(), memory, first(Path.of("/etc/machine-id")),
        first(Path.of("/proc/sys/kernel/random/boot_id")), osImage, System.getProperty("os.version", ""), arch);
  }

  private static String first(Path file) {
    var lines = lines(file);
    return lines.isEmpty() ? "" : lines.get(0).trim();
  }

  private static java.util.List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | RuntimeException e) {
      return java.util.List.of();
    }
  }
}
