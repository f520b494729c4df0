package io.gantry.cni.bridge;

import io.gantry.cni.CniEnv;
import io.gantry.cni.CniException;
import io.gantry.cni.NetConf;
import java.util.List;
import java.util.Map;

/**
 * Bridge mode settings, with the reference bridge plugin's names and defaults: {@code bridge} (default
 * {@code gantry0}), {@code mtu} (optional), {@code hairpinMode} and {@code promiscMode} (default false,
 * not both), {@code isGateway} (default false: when true the range gateway is assigned to the bridge)
 * and {@code isDefaultGateway} (default false: when true the pod's default route goes via that gateway,
 * and {@code isGateway} is implied).
 */
public record BridgeConfig(String bridge, int mtu, boolean hairpin, boolean promisc, boolean isGateway,
    boolean defaultRoute) {

  public static final String DEFAULT_BRIDGE = "gantry0";

  public static BridgeConfig from(NetConf conf) throws CniException {
    String bridge = conf.string("bridge", DEFAULT_BRIDGE);
    String why = CniEnv.invalidInterfaceName(bridge);
    if (bridge.isEmpty() || why != null) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, "bridge: '" + bridge + "' ("
          + (why == null ? "must not be empty" : why) + ")");
    }
    int mtu = conf.integer("mtu", 68, 65535);
    boolean hairpin = conf.bool("hairpinMode", false);
    boolean promisc = conf.bool("promiscMode", false);
    if (hairpin && promisc) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG,
          "hairpinMode and promiscMode cannot both be true", "choose one, as the reference bridge plugin requires");
    }
    boolean defaultRoute = conf.bool("isDefaultGateway", false);
    return new BridgeConfig(bridge, mtu, hairpin, promisc, conf.bool("isGateway", false) || defaultRoute,
        defaultRoute);
  }

  /**
   * ADD refuses, with the spec's code 2 naming key and value, what it would otherwise silently not
   * do: the reference bridge's {@code ipMasq}, {@code vlan}, {@code vlanTrunk}, {@code macspoofchk} and
   * {@code portIsolation}, and an {@code ipam.type} other than this plugin (no delegation to an external
   * IPAM plugin). DEL, CHECK and GC do not, so that an attachment can always be cleaned up.
   */
  public static void requireSupported(NetConf conf) throws CniException {
    if (conf.bool("ipMasq", false)) {
      throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field ipMasq: true",
          "gantry-cni does not set up IP masquerading; leave ipMasq out or chain a plugin that does");
    }
    for (String flag : List.of("macspoofchk", "portIsolation")) {
      if (conf.bool(flag, false)) {
        throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field " + flag + ": true",
            "gantry-cni does not implement " + flag + "; leave it out or set it to false");
      }
    }
    Object vlan = conf.raw().get("vlan");
    Object trunk = conf.raw().get("vlanTrunk");
    if ((vlan != null && !Long.valueOf(0).equals(vlan)) || trunk != null) {
      String key = trunk != null ? "vlanTrunk" : "vlan";
      throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field " + key + ": "
          + (trunk != null ? trunk : vlan), "gantry-cni does not tag VLANs; leave " + key + " out");
    }
    Map<String, Object> ipam = conf.object("ipam");
    if (ipam != null && ipam.get("type") != null && !conf.type().equals(ipam.get("type"))) {
      throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field ipam.type: " + ipam.get("type"),
          "bridge mode allocates with its built-in IPAM; leave ipam.type out or set it to " + conf.type());
    }
  }
}
