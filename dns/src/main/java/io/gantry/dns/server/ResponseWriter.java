package io.gantry.dns.server;

import io.gantry.dns.zone.Answer;
import io.gantry.dns.zone.Wire;
import io.netty.buffer.ByteBuf;

/**
 * Writes responses in wire format: header (id, opcode, RD and CD as the query had them), the question as the
 * client spelled it (the
 * precomputed answers point at it with C0 0C), the precomputed sections, and an OPT record when
 * the client used EDNS0. What does not fit the client's limit is cut at a record boundary: the
 * additional section goes first (no TC, RFC 2181 section 9), then answers, with TC set so the
 * client retries over TCP.
 */
public final class ResponseWriter {

  /** The UDP payload size this server advertises (the DNS flag day 2020 value). */
  public static final int ADVERTISED_UDP_SIZE = 1232;
  /** Without EDNS0 a UDP answer may hold 512 bytes (RFC 1035 section 4.2.1). */
  public static final int CLASSIC_UDP_SIZE = 512;
  public static final int MAX_TCP_SIZE = 65535;

  private static final int FLAG_QR = 0x8000;
  private static final int FLAG_AA = 0x0400;
  private static final int FLAG_TC = 0x0200;
  private static final int FLAG_RD = 0x0100;
  private static final int FLAG_RA = 0x0080;
  /** Checking Disabled: copied from the query (RFC 4035 section 3.2.2). */
  private static final int FLAG_CD = 0x0010;
  private static final int OPT_BYTES = 11;
  /** The extended rcode BADVERS (RFC 6891): 16, of which the OPT record carries the upper 8 bits. */
  public static final int BADVERS = 16;

  private ResponseWriter() {
  }

  /** The most a response to this request may take. */
  public static int limit(DnsRequest request) {
    if (request.tcp()) {
      return MAX_TCP_SIZE;
    }
    return request.edns() ? Math.min(request.udpSize(), MAX_TCP_SIZE) : CLASSIC_UDP_SIZE;
  }

  /**
   * Writes the answer to {@code request}.
   *
   * @param authoritative whether to set AA (answers from the cluster zone)
   * @return whether the answer was truncated (TC set)
   */
  public static boolean write(ByteBuf out, DnsRequest request, Answer answer, boolean authoritative) {
    int questionBytes = request.name() == null ? 0
        : request.question() != null ? request.question().length : nameBytes(request.name()) + 4;
    int optBytes = request.edns() ? OPT_BYTES : 0;
    int base = 12 + questionBytes + optBytes;
    int limit = limit(request);
    int answersLength = answer.answers().length;
    int answerCount = answer.answerCount();
    boolean withAuthority = true;
    boolean withAdditional = true;
    boolean truncated = false;
    if (base + answersLength + answer.authority().length + answer.additional().length > limit) {
      withAdditional = false;
      if (base + answersLength + answer.authority().length > limit) {
        truncated = true;
        withAuthority = false;
        int[] ends = answer.answerEnds();
        answerCount = 0;
        answersLength = 0;
        while (answerCount < ends.length && base + ends[answerCount] <= limit) {
          answersLength = ends[answerCount];
          answerCount++;
        }
      }
    }
    int rcode = answer.rcode();
    int flags = FLAG_QR | (request.flags() & (0xF << 11 | FLAG_RD | FLAG_CD)) | FLAG_RA | (rcode & 0xF);
    if (authoritative) {
      flags |= FLAG_AA;
    }
    if (truncated) {
      flags |= FLAG_TC;
    }
    out.writeShort(request.id());
    out.writeShort(flags);
    out.writeShort(request.name() == null ? 0 : 1);
    out.writeShort(answerCount);
    out.writeShort(withAuthority ? answer.authorityCount() : 0);
    out.writeShort((withAdditional ? answer.additionalCount() : 0) + (request.edns() ? 1 : 0));
    if (request.question() != null) {
      out.writeBytes(request.question());
    } else if (request.name() != null) {
      writeName(out, request.name());
      out.writeShort(request.qtype());
      out.writeShort(request.qclass());
    }
    out.writeBytes(answer.answers(), 0, answersLength);
    if (withAuthority) {
      out.writeBytes(answer.authority());
    }
    if (withAdditional) {
      out.writeBytes(answer.additional());
    }
    if (request.edns()) {
      writeOpt(out, rcode >>> 4, request.dnssecOk());
    }
    return truncated;
  }

  /**
   * A response with only a header, the question when it was read, and the OPT record when the query had one:
   * FORMERR, NOTIMP, REFUSED, SERVFAIL.
   */
  public static void writeError(ByteBuf out, DnsRequest request, int rcode) {
    DnsRequest echo = request;
    if (request.problem() != null || request.name() == null) {
      echo = new DnsRequest(request.id(), request.flags(), null, 0, 0, request.udpSize(), 0, request.dnssecOk(), null,
          request.sender(), request.tcp(), null);
    }
    write(out, echo, new Answer(rcode, new byte[0], new int[0], new byte[0], 0, new byte[0], 0), false);
  }

  /** Clears the RA flag of the response that starts at {@code out}'s reader index. */
  public static void clearRecursionAvailable(ByteBuf out) {
    int at = out.readerIndex() + 2;
    out.setShort(at, out.getUnsignedShort(at) & ~FLAG_RA);
  }

  /** Our OPT record: the advertised UDP size, version 0, the DO bit copied from the query (RFC 3225 section 3). */
  public static void writeOpt(ByteBuf out, int extendedRcode, boolean dnssecOk) {
    out.writeByte(0); // root
    out.writeShort(Wire.TYPE_OPT);
    out.writeShort(ADVERTISED_UDP_SIZE);
    out.writeInt((extendedRcode & 0xFF) << 24 | (dnssecOk ? 0x8000 : 0)); // version 0; DO copied (RFC 3225)
    out.writeShort(0);
  }

  static int nameBytes(String name) {
    if (name.equals(".")) {
      return 1;
    }
    int length = name.length() + (name.endsWith(".") ? 1 : 2);
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) > 0x7F) {
        return Wire.name(name).length;
      }
    }
    return length;
  }

  /** Writes a dotted name; ASCII without copies, anything else through {@link Wire#name}. */
  static void writeName(ByteBuf out, String name) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) > 0x7F) {
        out.writeBytes(Wire.name(name));
        return;
      }
    }
    int labelStart = 0;
    int length = name.length();
    for (int i = 0; i <= length; i++) {
      if (i == length || name.charAt(i) == '.') {
        int labelLength = i - labelStart;
        if (labelLength > 0) {
          out.writeByte(labelLength);
          for (int c = labelStart; c < i; c++) {
            out.writeByte(name.charAt(c));
          }
        }
        labelStart = i + 1;
      }
    }
    out.writeByte(0);
  }
}
