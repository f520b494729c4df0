package io.gantry.node.stream;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting, for handing an argv to {@code script -c}. */
final class ShellQuote {

  private ShellQuote() {}

  /** Each word in single quotes (embedded quotes as {@code '\''}), joined by spaces. */
  static String join(List<String> words) {
    return words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
  }
}
