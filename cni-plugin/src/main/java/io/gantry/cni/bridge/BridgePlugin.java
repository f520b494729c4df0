package io.gantry.cni.bridge;

import io.gantry.cni.CniEnv;
import io.gantry.cni.CniException;
import io.gantry.cni.Configs;
import io.gantry.cni.IpamPlugin;
import io.gantry.cni.NetConf;
import io.gantry.cni.Plugin;
import io.gantry.cni.ipam.AllocationStore;
import io.gantry.cni.ipam.Ip;
import io.gantry.cni.ipam.Ipam;
import io.gantry.cni.ipam.IpamConfig;
import io.gantry.cni.ipam.Route;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The bridge plugin (config {@code type} is this plugin). ADD allocates from the built-in IPAM, makes
 * sure the bridge exists (with the gateway address when {@code isGateway}), creates the veth pair with
 * the pod end directly in {@code CNI_NETNS} under {@code CNI_IFNAME}, and configures addresses and
 * routes inside; any failure undoes the veth and the allocation. The host end's name is derived from
 * container ID and interface ({@link #hostVethName}), so DEL and GC find it without state.
 */
public final class BridgePlugin implements Plugin {
  /** Host-side veth names start with this; GC only ever removes such links from the bridge. */
  static final String VETH_PREFIX = "gv";
  private static final Path SYS_NET = Path.of("/sys/class/net");
  /** {@code addr_assign_type} of an address set by hand (NET_ADDR_SET), which the kernel then keeps. */
  private static final String ADDRESS_SET = "3";

  @Override
  public Map<String, Object> add(CniEnv env, NetConf conf) throws CniException, IOException {
    BridgeConfig bridge = BridgeConfig.from(conf);
    BridgeConfig.requireSupported(conf);
    IpamConfig ipamConfig = Configs.ipam(conf);
    Configs.requireNetns(env);
    Map<String, Object> prev = Configs.prevResult(conf, false);
    List<io.gantry.cni.ipam.Ip> requested = Configs.requestedIps(env, conf);
    String podMac = requestedMac(env, conf);
    String hostVeth = hostVethName(env.containerId(), env.ifName());
    // The spec: an interface of the requested name that already exists is an error. Its host end says
    // so without entering the pod; checked before IPAM so that the attachment keeps its address.
    if (exists(hostVeth)) {
      throw new CniException(CniException.INTERNAL, "interface " + env.ifName() + " of container "
          + env.containerId() + " already exists (host end " + hostVeth + ")",
          "ADD was called twice for one container and interface; DEL it first");
    }
    Map<String, Object> dns = Configs.dns(conf, ipamConfig);
    Ipam ipam = new Ipam(ipamConfig);
    List<Ipam.Lease> leases = ipam.allocate(env.containerId(), env.ifName(), requested);
    try {
      int bridgeIndex = ensureBridge(bridge);
      // Two ip processes at once: the bridge's state on the host, and everything else from inside the
      // pod, where the veth pair is created with its host end put straight into this process's network
      // namespace, enslaved (by index: the bridge's name means nothing inside the pod) and up.
      List<String> host = new ArrayList<>();
      if (!ADDRESS_SET.equals(sysfs(bridge.bridge(), "addr_assign_type"))) {
        // As the reference plugin: a bridge whose MAC was never set takes its lowest port's, so the
        // gateway's MAC would change when that pod goes, and every other pod's ARP entry for the
        // gateway would point nowhere until it expired (tens of seconds without a route out).
        host.add("link set dev " + bridge.bridge() + " address " + sysfs(bridge.bridge(), "address"));
      }
      host.add("link set dev " + bridge.bridge() + " up");
      if (bridge.promisc()) {
        host.add("link set dev " + bridge.bridge() + " promisc on");
      }
      if (bridge.isGateway()) {
        for (Ipam.Lease lease : leases) {
          if (lease.gateway() != null) {
            host.add("addr replace " + lease.gateway() + "/" + lease.prefix() + " dev " + bridge.bridge());
          }
        }
      }
      IpTool.Running hostSide = IpTool.startHostBatch(host);

      String mtu = bridge.mtu() > 0 ? " mtu " + bridge.mtu() : "";
      List<String> pod = new ArrayList<>();
      pod.add("link add " + hostVeth + mtu + " netns /proc/" + ProcessHandle.current().pid() + "/ns/net master if"
          + bridgeIndex + " up type veth peer name " + env.ifName() + mtu
          + (podMac == null ? "" : " address " + podMac));
      pod.add("link set dev lo up");
      for (Ipam.Lease lease : leases) {
        pod.add("addr add " + lease.ip() + "/" + lease.prefix() + " dev " + env.ifName()
            + (lease.ip().isV4() ? "" : " nodad"));
      }
      pod.add("link set dev " + env.ifName() + " up");
      List<Route> routes = routes(bridge, ipamConfig, leases);
      // Appended, as the reference plugins add routes (no NLM_F_EXCL): a second attachment in one pod
      // gets its default route beside the first one's instead of failing on it.
      for (Route route : routes) {
        pod.add("route append " + route.dst() + (route.gw() == null ? "" : " via " + route.gw())
            + " dev " + env.ifName());
      }
      pod.add("link show dev " + env.ifName());
      IpTool.Output podSide = IpTool.startPodBatch(env.netns(), pod, "-o").finish();
      hostSide.finish();
      String shown = podSide.stdout();
      requireEnslaved(hostVeth, bridge.bridge());
      if (bridge.hairpin()) {
        writeSysfs(hostVeth, "brport/hairpin_mode", "1");
      }
      return result(conf, env, bridge, dns, prev, hostVeth, mac(shown), leases, routes);
    } catch (CniException | RuntimeException e) {
      undo(hostVeth, ipam, env);
      throw e;
    }
  }

  /**
   * The pod interface's MAC address when the runtime asks for one, as the reference bridge reads it:
   * the {@code mac} capability ({@code runtimeConfig.mac}), else CNI_ARGS {@code MAC}; null otherwise.
   */
  static String requestedMac(CniEnv env, NetConf conf) throws CniException {
    Map<String, Object> runtime = conf.object("runtimeConfig");
    if (runtime != null && runtime.get("mac") != null) {
      Object mac = runtime.get("mac");
      if (!(mac instanceof String m) || !isMac(m)) {
        throw new CniException(CniException.INVALID_NETWORK_CONFIG, "runtimeConfig.mac: " + mac
            + " (expected: a MAC address such as 0a:58:0a:f4:01:05)");
      }
      return m.toLowerCase(Locale.ROOT);
    }
    String mac = env.args().get("MAC");
    if (mac == null || mac.isEmpty()) {
      return null;
    }
    if (!isMac(mac)) {
      throw new CniException(CniException.INVALID_ENVIRONMENT, "CNI_ARGS MAC: " + CniEnv.abbreviate(mac)
          + " (expected: a MAC address such as 0a:58:0a:f4:01:05)");
    }
    return mac.toLowerCase(Locale.ROOT);
  }

  /** Six colon-separated pairs of hex digits, unicast (the kernel refuses a multicast one). */
  private static boolean isMac(String mac) {
    if (mac.length() != 17) {
      return false;
    }
    for (int i = 0; i < 17; i++) {
      char c = mac.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (i % 3 == 2 ? c != ':' : !hex) {
        return false;
      }
    }
    return (Character.digit(mac.charAt(1), 16) & 1) == 0;
  }

  /** The address after {@code link/ether} in {@code ip -o link show} output, or null. */
  private static String mac(String shown) {
    int at = shown.indexOf("link/ether ");
    if (at < 0 || at + 11 + 17 > shown.length()) {
      return null;
    }
    return shown.substring(at + 11, at + 11 + 17);
  }

  private static void undo(String hostVeth, Ipam ipam, CniEnv env) {
    try {
      if (exists(hostVeth)) {
        IpTool.host("link", "del", hostVeth);
      }
    } catch (CniException ignored) {
      // best effort: the error being reported is the original one
    }
    try {
      ipam.release(env.containerId(), env.ifName());
    } catch (IOException ignored) {
      // best effort, as above; GC reclaims what is left
    }
  }

  /**
   * The IPAM routes, then with {@code isDefaultGateway} one default route per address family via the
   * gateway of the pod's first address of that family, unless the IPAM routes already have one: as the
   * reference bridge plugin adds them.
   */
  private static List<Route> routes(BridgeConfig bridge, IpamConfig ipam, List<Ipam.Lease> leases) {
    List<Route> routes = new ArrayList<>();
    // A route without gw goes via the gateway of the pod's address of its family, as the reference
    // plugins configure it; so {"dst": "0.0.0.0/0"} is the default route, not a second one.
    for (Route route : ipam.routes()) {
      if (route.gw() == null) {
        for (Ipam.Lease lease : leases) {
          if (lease.gateway() != null && lease.ip().isV4() == route.dst().network().isV4()) {
            route = new Route(route.dst(), lease.gateway());
            break;
          }
        }
      }
      if (!routes.contains(route)) {
        routes.add(route);
      }
    }
    if (bridge.defaultRoute()) {
      for (Ipam.Lease lease : leases) {
        if (lease.gateway() != null && !hasDefaultRoute(routes, lease.ip().isV4())) {
          String any = lease.ip().isV4() ? "0.0.0.0/0" : "::/0";
          routes.add(new Route(io.gantry.cni.ipam.Subnet.parse(any), lease.gateway()));
        }
      }
    }
    return routes;
  }

  private static boolean hasDefaultRoute(List<Route> routes, boolean v4) {
    for (Route route : routes) {
      if (route.dst().prefix() == 0 && route.dst().network().isV4() == v4) {
        return true;
      }
    }
    return false;
  }

  /**
   * The result: bridge, host end and pod interface, addresses on the pod interface, routes, DNS. A
   * {@code prevResult} (this plugin chained after another) is kept in front, as the spec requires of
   * a plugin given one: its interfaces, addresses and routes, then this attachment's.
   */
  private static Map<String, Object> result(NetConf conf, CniEnv env, BridgeConfig bridge, Map<String, Object> dns,
      Map<String, Object> prev, String hostVeth, String podMac, List<Ipam.Lease> leases, List<Route> routes)
      throws CniException {
    List<Object> interfaces = new ArrayList<>();
    List<Object> ips = new ArrayList<>();
    List<Object> routeJson = new ArrayList<>();
    if (prev != null) {
      interfaces.addAll(io.gantry.cni.Results.objects(prev, "interfaces"));
      ips.addAll(io.gantry.cni.Results.objects(prev, "ips"));
      routeJson.addAll(io.gantry.cni.Results.objects(prev, "routes"));
      if (dns == null && prev.get("dns") instanceof Map<?, ?> prevDns && !prevDns.isEmpty()) {
        dns = castDns(prevDns);
      }
    }
    int podIndex = interfaces.size() + 2;
    interfaces.add(iface(conf, bridge.bridge(), sysfs(bridge.bridge(), "address"), null, bridge.mtu()));
    interfaces.add(iface(conf, hostVeth, sysfs(hostVeth, "address"), null, bridge.mtu()));
    interfaces.add(iface(conf, env.ifName(), podMac, env.netns(), bridge.mtu()));
    for (Ipam.Lease lease : leases) {
      Map<String, Object> ip = lease.toJson();
      ip.put("interface", podIndex);
      ips.add(ip);
    }
    for (Route route : routes) {
      routeJson.add(route.toJson());
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("interfaces", interfaces);
    result.put("ips", ips);
    if (!routeJson.isEmpty()) {
      result.put("routes", routeJson);
    }
    result.put("dns", dns == null ? Map.of() : dns);
    return result;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castDns(Map<?, ?> dns) {
    return (Map<String, Object>) dns;
  }

  private static Map<String, Object> iface(NetConf conf, String name, String mac, String sandbox, int mtu) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", name);
    if (mac != null) {
      json.put("mac", mac);
    }
    if (mtu > 0 && conf.atLeast11()) {
      json.put("mtu", mtu);
    }
    if (sandbox != null) {
      json.put("sandbox", sandbox);
    }
    return json;
  }

  /** Creates the bridge unless it exists; returns its interface index. */
  private static int ensureBridge(BridgeConfig bridge) throws CniException {
    if (exists(bridge.bridge())) {
      if (!Files.isDirectory(SYS_NET.resolve(bridge.bridge()).resolve("bridge"))) {
        throw new CniException(CniException.INVALID_NETWORK_CONFIG,
            "bridge: " + bridge.bridge() + " exists and is not a bridge");
      }
    } else {
      List<String> args = new ArrayList<>(List.of("link", "add", "name", bridge.bridge()));
      if (bridge.mtu() > 0) {
        args.addAll(List.of("mtu", Integer.toString(bridge.mtu())));
      }
      args.addAll(List.of("type", "bridge"));
      IpTool.Output created = IpTool.host(args.toArray(String[]::new));
      // Another ADD may have created it in the meantime: that is as good.
      if (created.exit() != 0 && !exists(bridge.bridge())) {
        throw new CniException(CniException.INTERNAL, "cannot create bridge " + bridge.bridge() + ": "
            + created.stderr().strip());
      }
    }
    String index = sysfs(bridge.bridge(), "ifindex");
    try {
      return Integer.parseInt(index);
    } catch (NumberFormatException e) {
      throw new CniException(CniException.INTERNAL, "cannot read the interface index of bridge " + bridge.bridge()
          + " from /sys/class/net: " + index);
    }
  }

  /**
   * Inside the pod, {@code master ifN} would name a device of the pod's own that happened to be called
   * {@code ifN} before the index: make sure the host end ended up on the bridge.
   */
  private static void requireEnslaved(String hostVeth, String bridge) throws CniException {
    Path master = SYS_NET.resolve(hostVeth).resolve("master");
    String actual;
    try {
      actual = Files.readSymbolicLink(master).getFileName().toString();
    } catch (IOException e) {
      actual = "none";
    }
    if (!actual.equals(bridge)) {
      throw new CniException(CniException.INTERNAL, hostVeth + " was created with master " + actual
          + " instead of bridge " + bridge);
    }
  }

  private static void writeSysfs(String link, String attribute, String value) throws CniException {
    try {
      Files.writeString(SYS_NET.resolve(link).resolve(attribute), value, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CniException(CniException.INTERNAL, "cannot set " + attribute + " of " + link + ": " + e.getMessage());
    }
  }

  @Override
  public void del(CniEnv env, NetConf conf) throws CniException, IOException {
    BridgeConfig.from(conf);
    Set<String> veths = new LinkedHashSet<>();
    veths.add(hostVethName(env.containerId(), env.ifName()));
    // A chained DEL carries the ADD's result: its host-side veth is ours to remove as well. One
    // that cannot be read is passed over: DEL cleans up what it can without it (the spec).
    veths.addAll(hostVethsOf(conf));
    Ipam ipam = new Ipam(Configs.ipam(conf)); // before anything is deleted: bad input changes nothing
    // The kernel takes milliseconds to delete a veth: find the owner's addresses meanwhile; they are
    // released once the veth is gone, as the reference plugin does. The link is named on ip's command
    // line rather than in a batch on its stdin, so that ip starts deleting while the JVM is still busy
    // with its own side of the first process start.
    List<String> present = new ArrayList<>();
    List<IpTool.Running> deleting = new ArrayList<>();
    for (String veth : veths) {
      if (exists(veth)) {
        present.add(veth);
        deleting.add(IpTool.startHost("link", "del", veth));
      }
    }
    List<Ip> held = ipam.find(env.containerId(), env.ifName());
    for (int i = 0; i < present.size(); i++) {
      IpTool.Output out = deleting.get(i).await();
      if (out.exit() != 0 && exists(present.get(i))) {
        throw new CniException(CniException.INTERNAL, "cannot delete " + present.get(i) + ": "
            + out.stderr().strip());
      }
    }
    ipam.release(env.containerId(), env.ifName(), held);
  }

  private static List<String> hostVethsOf(NetConf conf) {
    List<String> named = new ArrayList<>();
    try {
      Map<String, Object> prev = Configs.prevResult(conf, false);
      if (prev != null) {
        for (Map<?, ?> iface : io.gantry.cni.Results.objects(prev, "interfaces")) {
          if (iface.get("name") instanceof String name && name.startsWith(VETH_PREFIX)
              && iface.get("sandbox") == null && CniEnv.invalidInterfaceName(name) == null) {
            named.add(name);
          }
        }
      }
    } catch (CniException unreadable) {
      return List.of();
    }
    return named;
  }

  @Override
  public void check(CniEnv env, NetConf conf) throws CniException, IOException {
    BridgeConfig bridge = BridgeConfig.from(conf);
    Map<String, Object> prev = Configs.prevResult(conf, true);
    IpamPlugin.checkReservation(env, conf, prev);
    new BridgeCheck(env, bridge, prev, hostVethName(env.containerId(), env.ifName())).run();
  }

  @Override
  public void gc(CniEnv env, NetConf conf) throws CniException, IOException {
    BridgeConfig.from(conf);
    // This network's attachments are the ones its IPAM store holds: another network may share the
    // bridge, and its veths are not this GC's to remove.
    Set<String> stale = new LinkedHashSet<>();
    Ipam ipam = new Ipam(Configs.ipam(conf));
    for (AllocationStore.Allocation released : ipam.collectGarbage(Configs.validAttachments(conf))) {
      stale.add(hostVethName(released.containerId(), released.ifName()));
    }
    for (String veth : stale) {
      if (exists(veth)) {
        IpTool.host("link", "del", veth);
      }
    }
  }

  @Override
  public void status(CniEnv env, NetConf conf) throws CniException, IOException {
    BridgeConfig.from(conf);
    IpamConfig ipam = Configs.ipam(conf);
    if (IpTool.find("ip") == null || IpTool.find("nsenter") == null) {
      throw new CniException(CniException.PLUGIN_NOT_AVAILABLE,
          "ip (iproute2) or nsenter (util-linux) is not installed");
    }
    Configs.requireAddressesAvailable(ipam);
  }

  /** {@code gv} + 12 hex digits of SHA-256(containerID, 0, ifname): stable, unique, 14 characters. */
  public static String hostVethName(String containerId, String ifName) {
    byte[] id = containerId.getBytes(StandardCharsets.UTF_8);
    byte[] name = ifName.getBytes(StandardCharsets.UTF_8);
    byte[] message = new byte[id.length + 1 + name.length];
    System.arraycopy(id, 0, message, 0, id.length);
    System.arraycopy(name, 0, message, id.length + 1, name.length);
    return VETH_PREFIX + HexFormat.of().formatHex(Sha256.digest(message), 0, 6);
  }

  static boolean exists(String link) {
    return Files.exists(SYS_NET.resolve(link));
  }

  static String sysfs(String link, String attribute) {
    try {
      return Files.readString(SYS_NET.resolve(link).resolve(attribute), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return null;
    }
  }
}
