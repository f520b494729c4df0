package io.gantry.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The benchmarks' command lines: {@code --name value} or {@code --name=value}, plus valueless flags. */
final class BenchArgs {

  private BenchArgs() {
  }

  /**
   * The options in {@code args}, by name with its {@code --}, in order; each of {@code flags}
   * present maps to {@code "true"}.
   *
   * @throws UsageException for {@code -h}/{@code --help} (no message) or a name without a value
   */
  static Map<String, String> parse(String[] args, Set<String> flags) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      String value = null;
      int eq = name.indexOf('=');
      if (name.startsWith("--") && eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (name.equals("-h") || name.equals("--help")) {
        throw new UsageException(null);
      }
      if (flags.contains(name)) {
        options.put(name, "true");
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException(name + ": missing value");
        }
        value = args[++i];
      }
      options.put(name, value);
    }
    return options;
  }

  /** {@code value} as an integer in {@code min..max}, or a {@link UsageException} naming the option. */
  static int intIn(String name, String value, int min, int max) {
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException(name + ": " + value + " (expected: an integer in " + min + ".." + max + ")");
    }
    if (parsed < min || parsed > max) {
      throw new UsageException(name + ": " + value + " (expected: " + min + ".." + max + ")");
    }
    return parsed;
  }

  /** A bad command line; {@code null} message means help was asked for. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }
}
