package io.gantry.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The JVM options a daemon starts with unless the user says otherwise: {@code bin/gantry proxy}
 * reads the same file ({@code io/gantry/cli/proxy.jvm-options}, one option per line, {@code #}
 * comments), {@code gantry up --network host} starts its proxies with them, and
 * {@code bin/bench proxy-scale} measures them. The user's options ({@code GANTRY_JAVA_OPTS}) come
 * after the defaults, so the JVM lets them win; a collector the user picks replaces the default
 * one, which the JVM would otherwise reject as a conflict. README "Memory and JVM options" says
 * why each default is there.
 */
public final class DaemonJvmOptions {

  private static final String PROXY = "proxy.jvm-options";

  private DaemonJvmOptions() {
  }

  /** The command line options of a {@code gantry proxy} JVM: the defaults, then {@code userOptions}. */
  public static List<String> proxy(String userOptions) {
    return merge(read(PROXY), split(userOptions));
  }

  /** {@code defaults} without their collector when {@code user} picks one, then {@code user}. */
  static List<String> merge(List<String> defaults, List<String> user) {
    boolean userPicksCollector = user.stream().anyMatch(DaemonJvmOptions::picksCollector);
    List<String> all = new ArrayList<>();
    for (String option : defaults) {
      if (!(userPicksCollector && picksCollector(option))) {
        all.add(option);
      }
    }
    all.addAll(user);
    return List.copyOf(all);
  }

  private static boolean picksCollector(String option) {
    return option.startsWith("-XX:+Use") && option.endsWith("GC");
  }

  /** Options separated by white space, as {@code bin/gantry} splits {@code GANTRY_JAVA_OPTS}; null: none. */
  static List<String> split(String options) {
    if (options == null || options.isBlank()) {
      return List.of();
    }
    return List.of(options.trim().split("\\s+"));
  }

  static List<String> read(String resource) {
    try (InputStream in = DaemonJvmOptions.class.getResourceAsStream(resource)) {
      Objects.requireNonNull(in, () -> "missing resource io/gantry/cli/" + resource + " (a broken gantry jar?)");
      List<String> options = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String option = line.strip();
        if (!option.isEmpty() && !option.startsWith("#")) {
          options.add(option);
        }
      }
      return List.copyOf(options);
    } catch (IOException e) {
      throw new UncheckedIOException("reading io/gantry/cli/" + resource, e);
    }
  }
}
