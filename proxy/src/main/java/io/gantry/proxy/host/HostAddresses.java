package io.gantry.proxy.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.control.api.IpLiterals;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The node addresses host mode serves NodePorts on by default: every global IPv4 and IPv6
 * address of the network namespace's interfaces except loopback and dummy ones and the service
 * interface (service addresses live there), plus {@code 127.0.0.1}. Link-local addresses are left out: a
 * socket bound to one needs a scope, and nothing outside the link could reach it. So are IPv6
 * addresses still in (or failed) duplicate address detection: nothing can bind on them yet; the
 * {@link NodeAddressWatcher} sees them once DAD is done.
 */
public final class HostAddresses {

  private static final ObjectMapper JSON = new ObjectMapper();

  private HostAddresses() {
  }

  /** Reads them now with {@code ip -d -j address show} (blocks); {@code serviceInterface} is left out too. */
  public static List<InetAddress> detect(String serviceInterface) throws IOException {
    return parse(IpBatch.run(List.of("-d", "-j", "address", "show")), serviceInterface);
  }

  /** The addresses in {@code ip -d -j address show} output, then 127.0.0.1. */
  static List<InetAddress> parse(String json, String serviceInterface) throws IOException {
    List<InetAddress> addresses = new ArrayList<>();
    for (JsonNode link : JSON.readTree(json)) {
      if (link.path("link_type").asText("").equals("loopback")
          || link.path("linkinfo").path("info_kind").asText("").equals("dummy")
          || link.path("ifname").asText("").equals(serviceInterface)) {
        continue;
      }
      for (JsonNode info : link.path("addr_info")) {
        String local = info.path("local").asText("");
        if (!local.isEmpty() && info.path("scope").asText("global").equals("global")
            && !info.path("tentative").asBoolean(false) && !info.path("dadfailed").asBoolean(false)) {
          addresses.add(literal(local));
        }
      }
    }
    addresses.add(literal("127.0.0.1"));
    return addresses;
  }

  /** An IP literal as {@code ip} printed it (never a name: nothing is resolved). */
  static InetAddress literal(String text) throws IOException {
    if (!IpLiterals.isIp(text)) {
      throw new IOException("ip printed " + text + " where an address belongs (expected: an IP literal)");
    }
    return InetAddress.getByName(text);
  }
}
