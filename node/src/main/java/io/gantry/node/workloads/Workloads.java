package io.gantry.node.workloads;

import java.util.ArrayList;
import java.util.List;

/** What the built-in workload images share: the address, the ports, and dying with the agent. */
final class Workloads {

  private Workloads() {}

  /** {@code POD_IP}, else 0.0.0.0. */
  static String address() {
    String ip = System.getenv("POD_IP");
    return ip == null || ip.isBlank() ? "0.0.0.0" : ip;
  }

  /**
   * Ports from the arguments ({@code 8080}, {@code --port 8080}, {@code --port=8080}), else the
   * container's declared ports of {@code protocol} ({@code GANTRY_PORTS=8080/TCP,...}), else
   * {@code fallback}.
   */
  static List<Integer> ports(String[] args, String protocol, int fallback) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--port=")) {
        ports.add(Integer.parseInt(a.substring(7)));
      } else if (a.equals("--port") && i + 1 < args.length) {
        ports.add(Integer.parseInt(args[++i]));
      } else if (a.matches("\\d{1,5}")) {
        ports.add(Integer.parseInt(a));
      }
    }
    if (ports.isEmpty()) {
      String declared = System.getenv("GANTRY_PORTS");
      if (declared != null) {
        for (String p : declared.split(",")) {
          String[] parts = p.split("/");
          if (parts.length == 2 && parts[1].equalsIgnoreCase(protocol) && parts[0].matches("\\d{1,5}")) {
            ports.add(Integer.parseInt(parts[0]));
          }
        }
      }
    }
    if (ports.isEmpty()) {
      ports.add(fallback);
    }
    return ports;
  }

  /** Exits when the node agent that started this process is gone, so no workload outlives it. */
  static void dieWithParent() {
    String parent = System.getenv("GANTRY_PARENT_PID");
    if (parent == null || !parent.matches("\\d+")) {
      return;
    }
    long pid = Long.parseLong(parent);
    Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
      while (true) {
        if (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
          System.err.println("node agent (pid " + pid + ") is gone; exiting");
          Runtime.getRuntime().halt(137);
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  static String env(String name) {
    String v = System.getenv(name);
    return v == null ? "" : v;
  }
}
