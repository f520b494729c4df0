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

  /** A negative answer: NXDOMAIN or NODATA, with the zone's SOA in the authority section. */
  public static Answer negative(int rcode, byte[] soa) {
    return new Answer(rcode, new byte[0], new int[0], soa, 1, new byte[0], 0);
  }
}
