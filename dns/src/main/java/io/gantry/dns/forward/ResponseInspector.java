package io.gantry.dns.forward;

import io.gantry.dns.zone.Wire;
import java.util.Arrays;

/**
 * Walks an upstream response in wire format without trusting it: every length bounded by the
 * message, names skipped label by label (a pointer ends a name, so loops cannot occur), counts
 * checked against what the bytes hold. Finds the rcode, the TTL to cache the response for (the
 * smallest answer TTL; for NXDOMAIN and NODATA the SOA's, per RFC 2308), where each TTL sits (to
 * age it on the way out) and where the OPT record starts.
 *
 * @param rcode      the response code
 * @param cacheTtl   seconds the response may be cached, -1 when it may not
 * @param ttlOffsets the offset of every record's TTL field except the OPT's
 * @param optStart   the offset of the OPT record when it is the last record, else -1
 * @param questionEnd the offset just after the question section
 */
public record ResponseInspector(int rcode, int cacheTtl, int[] ttlOffsets, int optStart, int questionEnd) {

  /** The inspection of {@code message}, or null when it is malformed. */
  public static ResponseInspector inspect(byte[] message) {
    int length = message.length;
    if (length < 12) {
      return null;
    }
    int qd = u16(message, 4);
    int an = u16(message, 6);
    int ns = u16(message, 8);
    int ar = u16(message, 10);
    if (qd != 1) {
      return null;
    }
    int pos = skipName(message, 12);
    if (pos < 0 || pos + 4 > length) {
      return null;
    }
    pos += 4;
    int questionEnd = pos;
    int total = an + ns + ar;
    if (total > length / 11) {
      return null; // more records than the bytes can hold
    }
    int[] ttlOffsets = new int[total];
    int ttls = 0;
    long minAnswerTtl = Long.MAX_VALUE;
    long negativeTtl = -1;
    int optStart = -1;
    for (int i = 0; i < total; i++) {
      int start = pos;
      pos = skipName(message, pos);
      if (pos < 0 || pos + 10 > length) {
        return null;
      }
      int type = u16(message, pos);
      long ttl = u32(message, pos + 4);
      int rdLength = u16(message, pos + 8);
      int rdata = pos + 10;
      if (rdata + rdLength > length) {
        return null;
      }
      if (type == Wire.TYPE_OPT) {
        if (i != total - 1) {
          return null; // we only ever strip an OPT that ends the message, as every server writes it
        }
        optStart = start;
      } else {
        ttlOffsets[ttls++] = pos + 4;
        if (i < an) {
          minAnswerTtl = Math.min(minAnswerTtl, ttl);
        } else if (i < an + ns && type == Wire.TYPE_SOA) {
          int minimumOffset = rdataSoaMinimum(message, rdata, rdLength);
          if (minimumOffset > 0) {
            negativeTtl = Math.min(ttl, u32(message, minimumOffset));
          }
        }
      }
      pos = rdata + rdLength;
    }
    int rcode = message[3] & 0xF;
    int cacheTtl = -1;
    if ((message[2] & 0x02) != 0) {
      cacheTtl = -1; // truncated: never cache
    } else if (rcode == 0 && an > 0 && minAnswerTtl != Long.MAX_VALUE) {
      cacheTtl = (int) Math.min(minAnswerTtl, 3600);
    } else if ((rcode == 3 || rcode == 0) && negativeTtl >= 0) {
      cacheTtl = (int) Math.min(negativeTtl, 1800);
    }
    return new ResponseInspector(rcode, cacheTtl, Arrays.copyOf(ttlOffsets, ttls), optStart, questionEnd);
  }

  private static int rdataSoaMinimum(byte[] message, int rdata, int rdLength) {
    int pos = skipName(message, rdata);
    if (pos < 0) {
      return -1;
    }
    pos = skipName(message, pos);
    if (pos < 0 || pos + 20 > rdata + rdLength) {
      return -1;
    }
    return pos + 16;
  }

  /** The offset after the name at {@code pos}, or -1. */
  static int skipName(byte[] message, int pos) {
    int labels = 0;
    while (pos < message.length) {
      int length = message[pos] & 0xFF;
      if (length == 0) {
        return pos + 1;
      }
      if ((length & 0xC0) == 0xC0) {
        return pos + 2 <= message.length ? pos + 2 : -1;
      }
      if ((length & 0xC0) != 0 || ++labels > 127) {
        return -1;
      }
      pos += 1 + length;
    }
    return -1;
  }

  static int u16(byte[] message, int pos) {
    return ((message[pos] & 0xFF) << 8) | (message[pos + 1] & 0xFF);
  }

  static long u32(byte[] message, int pos) {
    return ((long) u16(message, pos) << 16) | u16(message, pos + 2);
  }
}
