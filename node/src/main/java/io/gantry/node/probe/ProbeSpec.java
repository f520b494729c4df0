package io.gantry.node.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One container probe as Kubernetes defines it, with Kubernetes' defaults: periodSeconds 10,
 * timeoutSeconds 1, failureThreshold 3, successThreshold 1, initialDelaySeconds 0. Exactly one
 * handler: {@code httpGet}, {@code tcpSocket} or {@code exec} ({@code grpc} is reported as a
 * failing probe).
 */
public record ProbeSpec(Duration initialDelay, Duration period, Duration timeout, int failureThreshold,
    int successThreshold, JsonNode handler, String kind) {

  public static ProbeSpec parse(JsonNode probe) {
    String kind = probe.has("httpGet") ? "httpGet" : probe.has("tcpSocket") ? "tcpSocket"
        : probe.has("exec") ? "exec" : probe.has("grpc") ? "grpc" : "none";
    return new ProbeSpec(Duration.ofSeconds(Math.max(0, probe.path("initialDelaySeconds").asInt(0))),
        Duration.ofSeconds(Math.max(1, probe.path("periodSeconds").asInt(10))),
        Duration.ofSeconds(Math.max(1, probe.path("timeoutSeconds").asInt(1))),
        Math.max(1, probe.path("failureThreshold").asInt(3)),
        Math.max(1, probe.path("successThreshold").asInt(1)),
        probe.path(kind), kind);
  }

  /** The port number a probe names: a number, or a containerPort's name. -1 if unknown. */
  public static int port(JsonNode port, JsonNode containerPorts) {
    if (port.canConvertToInt() && port.isNumber()) {
      return port.asInt();
    }
    String text = port.asText("");
    if (text.matches("\\d{1,5}")) {
      return Integer.parseInt(text);
    }
    for (JsonNode p : containerPorts) {
      if (text.equals(p.path("name").asText())) {
        return p.path("containerPort").asInt(-1);
      }
    }
    return -1;
  }

  /** The exec handler's command line. */
  List<String> command() {
    List<String> command = new ArrayList<>();
    handler.path("command").forEach(c -> command.add(c.asText()));
    return command;
  }

  /**
   * Where an exec probe runs: the container's environment and working directory, and the argv
   * prefix that enters the pod's network ({@code ip netns exec <netns>} in host mode).
   */
  public record ExecContext(Map<String, String> env, java.nio.file.Path workingDir, List<String> prefix) {

    /** Starts {@code command} as the container would run it: its environment only, stdin closed, stderr into stdout. */
    public Process start(List<String> command) throws java.io.IOException {
      List<String> argv = new ArrayList<>(prefix);
      argv.addAll(command);
      ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
      builder.environment().clear();
      builder.environment().putAll(env);
      if (workingDir != null) {
        builder.directory(workingDir.toFile());
      }
      Process process = builder.start();
      process.getOutputStream().close();
      return process;
    }
  }
}
