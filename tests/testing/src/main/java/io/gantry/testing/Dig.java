package io.gantry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code dig} (Debian's dnsutils) against a server on 127.0.0.1, one try of two seconds
 * unless the arguments say otherwise, with the answer parsed into the fields tests check.
 */
public final class Dig {

  private static final Pattern STATUS = Pattern.compile("status: (\\w+)");
  private static final Pattern FLAGS = Pattern.compile(";; flags: ([a-z ]+);");

  private Dig() {
  }

  /** Whether dig is installed. */
  public static boolean available() {
    try {
      Process process = new ProcessBuilder("dig", "-v").redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs {@code dig @127.0.0.1 -p PORT +time=2 +tries=1 ARGS...}. */
  public static Result query(int port, String... args) {
    List<String> command = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "+time=2",
        "+tries=1", "+nocookie"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      return new Result(String.join(" ", command), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What dig printed. */
  public record Result(String command, String output) {

    /** NOERROR, NXDOMAIN, ... or "" when no answer came. */
    public String status() {
      Matcher m = STATUS.matcher(output);
      return m.find() ? m.group(1) : "";
    }

    public List<String> flags() {
      Matcher m = FLAGS.matcher(output);
      return m.find() ? List.of(m.group(1).trim().split(" ")) : List.of();
    }

    /** The records of one section ("ANSWER", "AUTHORITY", "ADDITIONAL"), whitespace collapsed. */
    public List<String> section(String name) {
      List<String> records = new ArrayList<>();
      boolean in = false;
      for (String line : output.split("\n")) {
        if (line.startsWith(";; " + name + " SECTION:")) {
          in = true;
        } else if (in && (line.isBlank() || line.startsWith(";;"))) {
          in = false;
        } else if (in) {
          records.add(line.trim().replaceAll("\\s+", " "));
        }
      }
      return records;
    }

    public List<String> answers() {
      return section("ANSWER");
    }

    @Override
    public String toString() {
      return command + "\n" + output;
    }
  }
}
