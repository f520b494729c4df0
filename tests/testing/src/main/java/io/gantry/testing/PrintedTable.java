package io.gantry.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kubectl's column output ({@code get}, {@code api-resources}) read back: the header row gives the
 * column names and their start offsets (kubectl left-aligns every cell under its header), each
 * further non-blank line is a row. Only the first table of the output is read.
 */
public final class PrintedTable {

  private final List<String> headers;
  private final List<Map<String, String>> rows;
  private final String text;

  private PrintedTable(List<String> headers, List<Map<String, String>> rows, String text) {
    this.headers = List.copyOf(headers);
    this.rows = List.copyOf(rows);
    this.text = text;
  }

  /** Parses {@code text}; the first non-blank line is the header. */
  public static PrintedTable parse(String text) {
    List<String> lines = text.lines().dropWhile(String::isBlank).takeWhile(line -> !line.isBlank()).toList();
    if (lines.isEmpty()) {
      return new PrintedTable(List.of(), List.of(), text);
    }
    String header = lines.get(0);
    List<Integer> starts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    // Column names may contain single spaces ("NOMINATED NODE"); columns are 2+ spaces apart.
    int i = 0;
    while (i < header.length()) {
      while (i < header.length() && header.charAt(i) == ' ') {
        i++;
      }
      if (i >= header.length()) {
        break;
      }
      int start = i;
      while (i < header.length() && !(header.charAt(i) == ' ' && (i + 1 >= header.length() || header.charAt(i + 1) == ' '))) {
        i++;
      }
      starts.add(start);
      names.add(header.substring(start, i));
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < names.size(); c++) {
        int from = Math.min(starts.get(c), line.length());
        int to = c + 1 < names.size() ? Math.min(starts.get(c + 1), line.length()) : line.length();
        row.put(names.get(c), line.substring(from, to).trim());
      }
      rows.add(row);
    }
    return new PrintedTable(names, rows, text);
  }

  /** The column names, in order. */
  public List<String> headers() {
    return headers;
  }

  /** The rows, each a map from column name to cell. */
  public List<Map<String, String>> rows() {
    return rows;
  }

  /** The first row whose {@code column} is {@code value}. */
  public Optional<Map<String, String>> row(String column, String value) {
    return rows.stream().filter(row -> value.equals(row.get(column))).findFirst();
  }

  /** The row whose {@code NAME} is {@code name}; fails with the whole output if there is none. */
  public Map<String, String> rowNamed(String name) {
    return row("NAME", name).orElseThrow(() -> new AssertionError("no row NAME=" + name + " in:\n" + text));
  }

  @Override
  public String toString() {
    return text;
  }
}
