package io.gantry.cni.bridge;

import io.gantry.cni.CniEnv;
import io.gantry.cni.CniException;
import io.gantry.cni.Json;
import io.gantry.cni.Results;
import io.gantry.cni.ipam.Ip;
import io.gantry.cni.ipam.Subnet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CHECK in bridge mode: the pod interface named in {@code prevResult} exists in the namespace, is up,
 * has the MAC and every address {@code prevResult} lists for it and the routes with a gateway (both
 * families); the host end exists and is a port of the bridge. Any difference is error 102 naming it.
 */
final class BridgeCheck {
  private final CniEnv env;
  private final BridgeConfig bridge;
  private final Map<String, Object> prev;
  private final String hostVeth;

  BridgeCheck(CniEnv env, BridgeConfig bridge, Map<String, Object> prev, String hostVeth) {
    this.env = env;
    this.bridge = bridge;
    this.prev = prev;
    this.hostVeth = hostVeth;
  }

  void run() throws CniException {
    List<Map<?, ?>> interfaces = Results.objects(prev, "interfaces");
    int index = -1;
    for (int i = 0; i < interfaces.size(); i++) {
      Map<?, ?> iface = interfaces.get(i);
      if (env.ifName().equals(iface.get("name")) && env.netns().equals(iface.get("sandbox"))) {
        index = i;
      }
    }
    if (index < 0) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, "prevResult.interfaces has no interface "
          + env.ifName() + " with sandbox " + env.netns());
    }
    List<Object> shown;
    try {
      shown = Json.parseAll(IpTool.podBatch(env.netns(), List.of("addr show dev " + env.ifName(), "route show"),
          "-j").stdout());
    } catch (CniException e) {
      throw failed("interface " + env.ifName() + " is missing in " + env.netns() + ": " + e.getMessage());
    } catch (IOException e) {
      throw failed("cannot read ip's output: " + e.getMessage());
    }
    if (shown.size() != 2 || !(shown.get(0) instanceof List<?> links) || links.isEmpty()
        || !(links.get(0) instanceof Map<?, ?> link) || !(shown.get(1) instanceof List<?> routes)) {
      throw failed("unexpected output of ip in " + env.netns());
    }
    Object mac = interfaces.get(index).get("mac");
    if (mac instanceof String expected && !expected.equalsIgnoreCase(String.valueOf(link.get("address")))) {
      throw failed(env.ifName() + " has MAC " + link.get("address") + ", prevResult says " + expected);
    }
    if (!(link.get("flags") instanceof List<?> flags) || !flags.contains("UP")) {
      throw failed(env.ifName() + " is not up");
    }
    List<String> assigned = new ArrayList<>();
    if (link.get("addr_info") instanceof List<?> infos) {
      for (Object info : infos) {
        if (info instanceof Map<?, ?> a) {
          assigned.add(a.get("local") + "/" + a.get("prefixlen"));
        }
      }
    }
    for (Map<?, ?> ip : Results.objects(prev, "ips")) {
      if (ip.get("interface") instanceof Long i && i == index && ip.get("address") instanceof String address
          && !assigned.contains(Results.ipOf(address) + "/" + address.substring(address.indexOf('/') + 1))) {
        throw failed(env.ifName() + " lacks address " + address + " (has " + assigned + ")");
      }
    }
    List<?> routes6 = null; // ip shows one family at a time: IPv6 routes are read only when there are some to find
    for (Map<?, ?> route : Results.objects(prev, "routes")) {
      if (route.get("dst") instanceof String dst && route.get("gw") instanceof String gw) {
        boolean v4 = Ip.parse(gw).isV4();
        if (!v4 && routes6 == null) {
          routes6 = ipv6Routes();
        }
        if (!hasRoute(v4 ? routes : routes6, dst, gw, v4 ? "/32" : "/128")) {
          throw failed("route " + dst + " via " + gw + " is missing in " + env.netns());
        }
      }
    }
    if (!BridgePlugin.exists(hostVeth)) {
      throw failed("host interface " + hostVeth + " is missing");
    }
    try {
      Path master = Files.readSymbolicLink(Path.of("/sys/class/net", hostVeth, "master"));
      if (!master.getFileName().toString().equals(bridge.bridge())) {
        throw failed(hostVeth + " is attached to " + master.getFileName() + ", not " + bridge.bridge());
      }
    } catch (IOException e) {
      throw failed(hostVeth + " is not attached to bridge " + bridge.bridge());
    }
  }

  private List<?> ipv6Routes() throws CniException {
    try {
      if (Json.parseAll(IpTool.podBatch(env.netns(), List.of("route show"), "-j", "-6").stdout()).get(0)
          instanceof List<?> routes) {
        return routes;
      }
    } catch (IOException | IndexOutOfBoundsException e) {
      throw failed("cannot read the IPv6 routes in " + env.netns() + ": " + e.getMessage());
    }
    throw failed("unexpected output of ip -6 route in " + env.netns());
  }

  /** @param hostPrefix how ip writes a host route's length, which it leaves out ({@code /32} or {@code /128}) */
  private static boolean hasRoute(List<?> routes, String dst, String gw, String hostPrefix) {
    Subnet want;
    try {
      want = Subnet.parse(dst);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String wantDst = want.prefix() == 0 ? "default" : want.toString();
    for (Object route : routes) {
      if (route instanceof Map<?, ?> r && gw.equals(r.get("gateway"))) {
        String have = String.valueOf(r.get("dst"));
        if (have.equals(wantDst) || (have.indexOf('/') < 0 && (have + hostPrefix).equals(wantDst))) {
          return true;
        }
      }
    }
    return false;
  }

  private static CniException failed(String what) {
    return new CniException(CniException.CHECK_FAILED, what);
  }
}
