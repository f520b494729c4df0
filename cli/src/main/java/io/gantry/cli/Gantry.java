package io.gantry.cli;

import io.gantry.control.server.ControlServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gantry} command. */
@Command(name = "gantry", mixinStandardHelpOptions = true, versionProvider = Gantry.Version.class,
    description = "Kubernetes-style cluster networking on the JVM.",
    subcommands = {UpCommand.class, ControlCommand.class, NodeCommand.class, ProxyCommand.class, DnsCommand.class,
        StatusCommand.class, CommandLine.HelpCommand.class})
public final class Gantry implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Gantry()).registerConverter(java.time.Duration.class, new DurationConverter())
        .execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"gantry " + ControlServer.VERSION};
    }
  }
}
