package io.gantry.control.server.controller.job;

import java.util.Iterator;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An Indexed Job's {@code status.completedIndexes}: ascending indexes and ranges, comma-separated, as
 * upstream's {@code orderedIntervals} writes them ({@code 1,3-5,7}; two neighbours are {@code 1,2}).
 */
final class CompletedIndexes {

  private CompletedIndexes() {}

  /** The indexes below {@code completions} that the text names; unreadable parts are skipped. */
  static SortedSet<Integer> parse(String text, int completions) {
    SortedSet<Integer> indexes = new TreeSet<>();
    if (text == null || text.isEmpty()) {
      return indexes;
    }
    for (String part : text.split(",")) {
      String[] bounds = part.split("-");
      try {
        int first = Integer.parseInt(bounds[0].trim());
        int last = bounds.length > 1 ? Integer.parseInt(bounds[1].trim()) : first;
        for (int i = Math.max(first, 0); i <= last && i < completions; i++) {
          indexes.add(i);
        }
      } catch (NumberFormatException e) {
        // skipped, as upstream's parser drops an interval it cannot read
      }
    }
    return indexes;
  }

  static String format(SortedSet<Integer> indexes) {
    StringBuilder text = new StringBuilder();
    Iterator<Integer> it = indexes.iterator();
    Integer first = null;
    Integer last = null;
    while (it.hasNext()) {
      int next = it.next();
      if (last != null && next == last + 1) {
        last = next;
        continue;
      }
      append(text, first, last);
      first = next;
      last = next;
    }
    append(text, first, last);
    return text.toString();
  }

  private static void append(StringBuilder text, Integer first, Integer last) {
    if (first == null) {
      return;
    }
    if (!text.isEmpty()) {
      text.append(',');
    }
    text.append(first);
    if (last > first) {
      text.append(last == first + 1 ? ',' : '-').append(last);
    }
  }
}
