package io.gantry.node.pod;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;

/**
 * A running container as {@code kubectl exec} and {@code kubectl port-forward} reach it: the pod's
 * uid and address, and the container's environment, working directory and image.
 *
 * @param podUid     the pod's uid (host mode names the pod's network namespace after it)
 * @param podIp      the pod's address
 * @param env        the environment the container's process was started with
 * @param workingDir the container's working directory
 * @param image      the container's image
 */
public record ExecTarget(String podUid, String podIp, Map<String, String> env, Path workingDir, String image) {

  public ExecTarget {
    requireNonNull(podUid, "podUid");
    requireNonNull(podIp, "podIp");
    env = Map.copyOf(env);
    requireNonNull(workingDir, "workingDir");
    requireNonNull(image, "image");
  }

  /**
   * {@code command} as the container's runtime would run it: in a built-in image's container, the
   * built-in images' tools ({@code probe}, {@code echo-http}, ...) are on its path, so their names
   * run the same main classes the images run.
   */
  public java.util.List<String> resolve(java.util.List<String> command, java.util.List<String> javaLauncher) {
    if (command.isEmpty() || Launch.builtIn(image) == null) {
      return command;
    }
    String mainClass = Launch.BUILT_IN.get("gantry/" + command.get(0));
    if (mainClass == null) {
      return command;
    }
    java.util.List<String> argv = new java.util.ArrayList<>(javaLauncher);
    argv.add(mainClass);
    argv.addAll(command.subList(1, command.size()));
    return argv;
  }
}
