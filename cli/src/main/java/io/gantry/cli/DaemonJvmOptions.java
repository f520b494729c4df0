package io.gantry.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options a daemon starts with unless the user says otherwise: {@code bin/gantry proxy}
 * reads the same file ({@code io/gantry/cli/proxy.jvm-options}, one option per line, {@code #}
 * comments), {@code gantry up --network host} starts its proxies with them, and
 * {@code bin/bench proxy-scale} measures them. The user's options ({@code GANTRY_JAVA_OPTS}) come
 * after the defaults, so the JVM lets them win. The defaults pick no collector: the JVM rejects
 * two, and a user who wants another one names it in {@code GANTRY_JAVA_OPTS}. README "Memory and
 * JVM options" says why each default is there.
 */
public final class DaemonJvmOptions {

  private static final String PROXY = "proxy.jvm-options";
  /** {@code jdkN+ OPTION}: an option only JDK N and newer know (older ones refuse to start on it). */
  private static final Pattern FROM_JDK = Pattern.compile("jdk(\\d+)\\+\\s+(\\S+)");

  private DaemonJvmOptions() {
  }

  /** The command line options of a {@code gantry proxy} JVM: the defaults, then {@code userOptions}. */
  public static List<String> proxy(String userOptions) {
    List<String> all = new ArrayList<>(read(PROXY, Runtime.version().feature()));
    all.addAll(split(userOptions)); // for the JVM, the last of two settings of one option wins
    return List.copyOf(all);
  }

  /** Options separated by white space, as {@code bin/gantry} splits {@code GANTRY_JAVA_OPTS}; null: none. */
  public static List<String> split(String options) {
    if (options == null || options.isBlank()) {
      return List.of();
    }
    return List.of(options.trim().split("\\s+"));
  }

  /** The options of {@code resource} for a JDK of feature release {@code jdk}. */
  static List<String> read(String resource, int jdk) {
    try (InputStream in = DaemonJvmOptions.class.getResourceAsStream(resource)) {
      Objects.requireNonNull(in, () -> "missing resource io/gantry/cli/" + resource + " (a broken gantry jar?)");
      List<String> options = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String option = line.strip();
        if (option.isEmpty() || option.startsWith("#")) {
          continue;
        }
        Matcher gated = FROM_JDK.matcher(option);
        if (!gated.matches()) {
          options.add(option);
        } else if (jdk >= Integer.parseInt(gated.group(1))) {
          options.add(gated.group(2));
        }
      }
      return List.copyOf(options);
    } catch (IOException e) {
      throw new UncheckedIOException("reading io/gantry/cli/" + resource, e);
    }
  }
}
