package io.gantry.cli;

import io.gantry.control.server.ControlServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gantry control}: runs the control component alone. */
@Command(name = "control", mixinStandardHelpOptions = true,
    description = "Run the control component: the Kubernetes-shaped API and its store.")
final class ControlCommand implements Callable<Integer> {

  @Mixin
  ControlOptions options = new ControlOptions();

  @Override
  public Integer call() throws Exception {
    ControlServer server = ControlServer.start(options.toConfig());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "gantry-shutdown"));
    stopped.await();
    return 0;
  }
}
