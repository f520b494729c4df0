package io.gantry.cni;

import java.util.Map;

/** {@link CniProcess} for tests in other packages. */
public final class CniProcessAccess {
  private CniProcessAccess() {}

  /** The outcome of one invocation. */
  public record Result(int exit, String stdout, String stderr, CniProcess.Outcome outcome) {
    public Map<String, Object> json() {
      return outcome.json();
    }

    public long code() {
      return outcome.code();
    }

    public String msg() {
      return outcome.msg();
    }

    public Result ok() {
      outcome.ok();
      return this;
    }
  }

  public static Result run(String command, String containerId, String netns, String ifName, String stdin)
      throws Exception {
    CniProcess.Outcome outcome = CniProcess.run(CniProcess.env(command, containerId, netns, ifName), stdin);
    return new Result(outcome.exit(), outcome.stdout(), outcome.stderr(), outcome);
  }

  /** {@link #run} with {@code CNI_ARGS}. */
  public static Result runWithArgs(String command, String containerId, String netns, String ifName, String stdin,
      String cniArgs) throws Exception {
    Map<String, String> env = CniProcess.env(command, containerId, netns, ifName);
    env.put("CNI_ARGS", cniArgs);
    CniProcess.Outcome outcome = CniProcess.run(env, stdin);
    return new Result(outcome.exit(), outcome.stdout(), outcome.stderr(), outcome);
  }
}
