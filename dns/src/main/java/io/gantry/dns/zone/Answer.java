package io.gantry.dns.zone;

/**
 * A precomputed answer to one (name, type): the rcode, the answer records (their owner a
 * compression pointer to the question name, so they fit any spelling of it), the authority
 * records and the additional records, each section already in wire format.
 *
 * <p>Immutable (the arrays are never written after construction); shared by all event loops.
 *
 * @param rcode          0 (NOERROR) or 3 (NXDOMAIN)
 * @param answers        the answer section
 * @param answerEnds     the end offset of each answer record in {@code answers}, for truncation
 * @param authority      the authority section (the SOA of negative answers)
 * @param authorityCount records in {@code authority}
 * @param additional     the additional section (addresses of SRV targets)
 * @param additionalCount records in {@code additional}
 * @param cnameTarget    for an answer that is one CNAME record, its target (lower case, trailing dot), which the
 *                       server follows for clients that ask for recursion; else null
 */
public record Answer(int rcode, byte[] answers, int[] answerEnds, byte[] authority, int authorityCount,
    byte[] additional, int additionalCount, String cnameTarget) {

  public Answer(int rcode, byte[] answers, int[] answerEnds, byte[] authority, int authorityCount,
      byte[] additional, int additionalCount) {
    this(rcode, answers, answerEnds, authority, authorityCount, additional, additionalCount, null);
  }

  public static final int NOERROR = 0;
  public static final int FORMERR = 1;
  public static final int SERVFAIL = 2;
  public static final int NXDOMAIN = 3;
  public static final int NOTIMP = 4;
  public static final int REFUSED = 5;

  public int answerCount() {
    return answerEnds.length;
  }

  /**
   * This answer with its address records rotated by {@code by} places, as CoreDNS's loadbalance plugin
   * shuffles them, so that clients that take the first address (and a truncated UDP answer) spread
   * over all of them; the CNAME records before them stay first. Itself when fewer than two records
   * follow the CNAMEs or any of them is not an address. Every record's owner is a two-byte pointer.
   */
  public Answer withAddressesRotated(int by) {
    int first = 0;
    int start = 0;
    while (first < answerEnds.length && type(start) == Wire.TYPE_CNAME) {
      start = answerEnds[first++];
    }
    int count = answerEnds.length - first;
    if (count < 2 || by % count == 0) {
      return this;
    }
    for (int i = first, at = start; i < answerEnds.length; at = answerEnds[i++]) {
      int type = type(at);
      if (type != Wire.TYPE_A && type != Wire.TYPE_AAAA) {
        return this;
      }
    }
    byte[] rotated = answers.clone();
    int[] ends = answerEnds.clone();
    int out = start;
    for (int k = 0; k < count; k++) {
      int i = first + (k + by) % count;
      int from = i == 0 ? 0 : answerEnds[i - 1];
      System.arraycopy(answers, from, rotated, out, answerEnds[i] - from);
      out += answerEnds[i] - from;
      ends[first + k] = out;
    }
    return new Answer(rcode, rotated, ends, authority, authorityCount, additional, additionalCount, cnameTarget);
  }

  private int type(int recordStart) {
    return (answers[recordStart + 2] & 0xFF) << 8 | answers[recordStart + 3] & 0xFF;
  }

  /** A negative answer: NXDOMAIN or NODATA, with the zone's SOA in the authority section. */
  public static Answer negative(int rcode, byte[] soa) {
    return new Answer(rcode, new byte[0], new int[0], soa, 1, new byte[0], 0);
  }
}
