package io.gantry.control.server.store;

/** A watch asked for history that compaction has already discarded. */
public final class CompactedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final long compactedRevision;

  public CompactedException(long requested, long compactedRevision) {
    super("required revision " + requested + " has been compacted (oldest available: " + (compactedRevision + 1) + ")");
    this.compactedRevision = compactedRevision;
  }

  public long compactedRevision() {
    return compactedRevision;
  }
}
