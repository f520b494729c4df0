package io.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gantry status}: which data-plane daemons are connected, and how far behind the served
 * state each one's ACKed version is. Reads {@code /status} on the control component's admin port.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the data-plane daemons connected to the control component and their ACKed versions.")
final class StatusCommand implements Callable<Integer> {

  @Option(names = "--admin-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:6445",
      description = "The control component's admin address (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(names = "--json", description = "Print the raw JSON document.")
  boolean json;

  PrintStream out = System.out;

  @Override
  public Integer call() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(URI.create("http://" + adminAddress + "/status"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      System.err.println("gantry status: nothing listens on " + adminAddress
          + " (expected: a running control component; see --admin-address)");
      return 1;
    }
    if (response.statusCode() != 200) {
      System.err.println("gantry status: " + adminAddress + "/status answered " + response.statusCode());
      return 1;
    }
    if (json) {
      out.print(response.body());
      return 0;
    }
    render(new ObjectMapper().readTree(response.body()), out);
    return 0;
  }

  static void render(JsonNode status, PrintStream out) {
    out.printf("system version %d, %d resources%n", status.path("systemVersion").asLong(),
        status.path("resources").asLong());
    String format = "%-28s %-8s %-16s %-10s %10s %6s %7s %6s%n";
    out.printf(format, "DAEMON", "ROLE", "NODE", "CONNECTED", "ACKED", "LAG", "PUSHES", "NACKS");
    for (JsonNode daemon : status.path("daemons")) {
      out.printf(format, daemon.path("id").asText(), daemon.path("role").asText(), daemon.path("node").asText(),
          daemon.path("connected").asBoolean() ? "yes" : "no", daemon.path("ackedVersion").asLong(),
          daemon.path("lag").asLong(), daemon.path("pushes").asLong(), daemon.path("nacks").asLong());
      if (!daemon.path("lastNack").asText().isEmpty()) {
        out.println("  last NACK: " + daemon.path("lastNack").asText());
      }
    }
  }
}
