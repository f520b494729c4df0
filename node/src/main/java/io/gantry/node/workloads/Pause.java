package io.gantry.node.workloads;

/**
 * The pause image ({@code registry.k8s.io/pause}): does nothing until SIGTERM or SIGINT, then exits 0,
 * as pause.c does, so a pod that only holds a place (e2e fixtures, over-provisioning) runs and
 * ends {@code Completed}.
 */
public final class Pause {

  private Pause() {}

  public static void main(String[] args) throws InterruptedException {
    Workloads.dieWithParent();
    // halt in the hook: the status of the exit the signal started becomes 0
    Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(0)));
    Thread.sleep(Long.MAX_VALUE);
  }
}
