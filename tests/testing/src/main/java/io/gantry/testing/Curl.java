package io.gantry.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real {@code curl}, trusting the cluster CA, for requests kubectl would never make. */
public final class Curl {

  private static final String STATUS_MARKER = "\n__HTTP_STATUS__=";

  private final String baseUrl;
  private final Path caFile;

  private Curl(String baseUrl, Path caFile) {
    this.baseUrl = baseUrl;
    this.caFile = caFile;
  }

  /** curl against {@code gantry}'s API. */
  public static Curl against(GantryProcess gantry) {
    requireNonNull(gantry, "gantry");
    return new Curl(gantry.url().toString(), gantry.caFile());
  }

  /** {@code curl -sS --cacert CA URL}: a GET; {@code token} may be {@code null} (no header). */
  public Response get(String path, String token) {
    return request(path, token);
  }

  /**
   * {@code curl -sS --cacert CA [extraArgs] URL}, e.g. {@code "-X", "POST", "--data-binary", "@file"};
   * {@code token} may be {@code null} (no Authorization header).
   */
  public Response request(String path, String token, String... extraArgs) {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "--cacert", caFile.toString()));
    if (token != null) {
      command.addAll(List.of("-H", "Authorization: Bearer " + token));
    }
    command.addAll(List.of(extraArgs));
    command.addAll(List.of("-w", STATUS_MARKER + "%{http_code}", baseUrl + path));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish");
      }
      int marker = output.lastIndexOf(STATUS_MARKER);
      if (process.exitValue() != 0 || marker < 0) {
        throw new AssertionError(String.join(" ", command) + " failed with " + process.exitValue() + ":\n" + output);
      }
      int status = Integer.parseInt(output.substring(marker + STATUS_MARKER.length()).trim());
      return new Response(status, output.substring(0, marker));
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** An HTTP status and the body. */
  public record Response(int status, String body) {}
}
