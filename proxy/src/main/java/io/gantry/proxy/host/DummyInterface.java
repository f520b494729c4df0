package io.gantry.proxy.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host mode's address plumbing, as kube-proxy's IPVS mode does it: service addresses are /32
 * (IPv6: /128) addresses of a dummy interface, so the kernel delivers their packets locally and
 * the proxy's listeners can bind on them. Each call is one {@code ip} process ({@link IpBatch}).
 * On a kernel without the dummy driver the interface is created as a bridge without ports, which
 * serves the same purpose.
 */
public final class DummyInterface implements AddressPlumbing {

  private static final Logger log = LoggerFactory.getLogger(DummyInterface.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;

  private DummyInterface(String name) {
    this.name = name;
  }

  /** Checks a Linux interface name: 1-15 letters, digits, '_', '.' or '-'. */
  public static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("service interface: " + name
          + " (expected: 1-15 letters, digits, '_', '.' or '-')");
    }
    return name;
  }

  /** Uses the dummy interface {@code name}, creating it (and setting it up) when missing. */
  public static DummyInterface open(String name) throws IOException {
    checkName(name);
    JsonNode link = link(name);
    if (link == null) {
      create(name);
    } else {
      String kind = link.path("linkinfo").path("info_kind").asText("");
      if (!kind.equals("dummy") && !(kind.equals("bridge") && portless(name))) {
        throw new IOException("service interface " + name + " exists and is neither a dummy interface nor a bridge "
            + "without ports (kind: " + (kind.isEmpty() ? "none" : kind) + "); pick another with --service-interface");
      }
      IpBatch.run(List.of("link", "set", name, "up"));
    }
    return new DummyInterface(name);
  }

  private static void create(String name) throws IOException {
    try {
      IpBatch.run(List.of("link", "add", name, "type", "dummy"));
      log.info("created dummy interface {} for service addresses", name);
    } catch (IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains("Unknown device type")) {
        throw e;
      }
      // Some kernels (e.g. minimal VM kernels) are built without the dummy driver. A bridge
      // with no ports is the same for this purpose: addresses on it are local, and it forwards nothing.
      IpBatch.run(List.of("link", "add", name, "type", "bridge"));
      log.warn("this kernel has no dummy interface driver; created {} as a bridge without ports instead", name);
    }
    IpBatch.run(List.of("link", "set", name, "up"));
  }

  private static boolean portless(String name) throws IOException {
    return !JSON.readTree(IpBatch.run(List.of("-j", "link", "show", "master", name))).elements().hasNext();
  }

  /** The interface's link as {@code ip -d -j link show} describes it, or null when it does not exist. */
  private static JsonNode link(String name) throws IOException {
    String text;
    try {
      text = IpBatch.run(List.of("-d", "-j", "link", "show", "dev", name));
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("does not exist")) {
        return null;
      }
      throw e;
    }
    JsonNode links = JSON.readTree(text);
    return links.isArray() && !links.isEmpty() ? links.get(0) : null;
  }

  public String name() {
    return name;
  }

  @Override
  public Set<InetAddress> present() throws IOException {
    Set<InetAddress> addresses = new LinkedHashSet<>();
    for (JsonNode link : JSON.readTree(IpBatch.run(List.of("-j", "address", "show", "dev", name)))) {
      for (JsonNode info : link.path("addr_info")) {
        String local = info.path("local").asText("");
        if (!local.isEmpty() && !info.path("scope").asText("").equals("link")) { // the kernel's own fe80::
          addresses.add(HostAddresses.literal(local));
        }
      }
    }
    return addresses;
  }

  @Override
  public void add(Collection<InetAddress> addresses) throws IOException {
    List<String> commands = new ArrayList<>(addresses.size());
    for (InetAddress address : addresses) {
      // replace: idempotent. nodad: an IPv6 address must not sit "tentative", or binding fails.
      commands.add("address replace " + prefix(address) + " dev " + name
          + (address instanceof Inet6Address ? " nodad" : ""));
    }
    IpBatch.batch(commands);
  }

  @Override
  public void remove(Collection<InetAddress> addresses) throws IOException {
    List<String> commands = new ArrayList<>(addresses.size());
    for (InetAddress address : addresses) {
      commands.add("address del " + prefix(address) + " dev " + name);
    }
    try {
      IpBatch.batch(commands);
    } catch (IOException e) {
      Set<InetAddress> left = present();
      left.retainAll(Set.copyOf(addresses));
      if (!left.isEmpty()) {
        throw e;
      }
      // every failure was an address already gone
    }
  }

  private static String prefix(InetAddress address) {
    return address.getHostAddress() + (address instanceof Inet6Address ? "/128" : "/32");
  }

  @Override
  public String toString() {
    return "service interface " + name;
  }
}
