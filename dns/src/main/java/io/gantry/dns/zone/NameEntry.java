package io.gantry.dns.zone;

/**
 * Every answer one existing name has, by query type, plus its NODATA answer for the rest.
 * A small linear array: a name has at most a handful of types.
 */
final class NameEntry {

  private final int[] types;
  private final Answer[] answers;
  private final Answer any;
  private final Answer noData;

  NameEntry(int[] types, Answer[] answers, Answer any, Answer noData) {
    this.types = types;
    this.answers = answers;
    this.any = any;
    this.noData = noData;
  }

  Answer answer(int qtype) {
    for (int i = 0; i < types.length; i++) {
      if (types[i] == qtype) {
        return answers[i];
      }
    }
    if (qtype == Wire.TYPE_ANY && any != null) {
      return any;
    }
    // A name that holds a CNAME answers every type with it (RFC 1034 section 3.6.2).
    for (int i = 0; i < types.length; i++) {
      if (types[i] == Wire.TYPE_CNAME) {
        return answers[i];
      }
    }
    return noData;
  }
}
