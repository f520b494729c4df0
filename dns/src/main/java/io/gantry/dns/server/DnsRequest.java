package io.gantry.dns.server;

import java.net.InetSocketAddress;

/**
 * One decoded query, reduced to what the server answers from; the Netty message it came from
 * is already released.
 *
 * @param id          the query id
 * @param flags       the header flags word as received (opcode, RD, ...)
 * @param name        the question name in presentation form (trailing dot, the client's case, {@code \.} and
 *                    {@code \DDD} escapes for octets that are not plain); null when malformed
 * @param qtype       the question type
 * @param qclass      the question class
 * @param udpSize     the client's EDNS0 UDP payload size, or 0 without EDNS0
 * @param ednsVersion the EDNS version the client asked for
 * @param dnssecOk    the DO bit of the client's OPT record, which the response copies (RFC 3225 section 3)
 * @param problem     why the query is malformed (FORMERR), or null
 * @param sender      where the query came from
 * @param tcp         whether it came over TCP
 * @param question    the question section as received (name, type, class), or null to encode it from the fields
 */
public record DnsRequest(int id, int flags, String name, int qtype, int qclass, int udpSize, int ednsVersion,
    boolean dnssecOk, String problem, InetSocketAddress sender, boolean tcp, byte[] question) {

  public DnsRequest(int id, int flags, String name, int qtype, int qclass, int udpSize, int ednsVersion,
      String problem, InetSocketAddress sender, boolean tcp) {
    this(id, flags, name, qtype, qclass, udpSize, ednsVersion, false, problem, sender, tcp, null);
  }

  public int opcode() {
    return (flags >>> 11) & 0xF;
  }

  public boolean recursionDesired() {
    return (flags & 0x0100) != 0;
  }

  public boolean edns() {
    return udpSize > 0;
  }
}
