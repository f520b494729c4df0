package io.gantry.node.stream;

import java.util.List;

/**
 * What runs in front of an exec'ed command so that it runs where the pod runs. Loopback mode: no
 * prefix (the pod is a plain process tree on the host). Host mode connects
 * {@code ip netns exec gp-<uid12>} here, so the command sees the pod's network namespace.
 */
@FunctionalInterface
public interface ExecPrefix {

  /** No prefix: the command runs as a child of the agent, as loopback-mode pods do. */
  ExecPrefix NONE = podUid -> List.of();

  /** The argv prefix for a command run in the pod with uid {@code podUid}. */
  List<String> argvPrefix(String podUid);
}
