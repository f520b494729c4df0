package io.gantry.cni.bridge;

import io.gantry.cni.CniEnv;
import io.gantry.cni.CniException;
import io.gantry.cni.NetConf;
import java.util.Map;

/**
 * Bridge mode settings: {@code bridge} (default {@code gantry0}), {@code mtu} (optional),
 * {@code hairpinMode} (default false), {@code isGateway} (default true: the range gateway is
 * assigned to the bridge) and {@code isDefaultGateway} (default true: the pod's default route goes
 * via that gateway).
 */
public record BridgeConfig(String bridge, int mtu, boolean hairpin, boolean isGateway, boolean defaultRoute) {

  public static final String DEFAULT_BRIDGE = "gantry0";

  public static BridgeConfig from(NetConf conf) throws CniException {
    String bridge = conf.string("bridge", DEFAULT_BRIDGE);
    String why = CniEnv.invalidInterfaceName(bridge);
    if (bridge.isEmpty() || why != null) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, "bridge: '" + bridge + "' ("
          + (why == null ? "must not be empty" : why) + ")");
    }
    int mtu = conf.integer("mtu", 68, 65535);
    return new BridgeConfig(bridge, mtu, conf.bool("hairpinMode", false), conf.bool("isGateway", true),
        conf.bool("isDefaultGateway", true));
  }

  /**
   * ADD refuses, with the spec's code 2 naming key and value, what it would otherwise silently not
   * do: {@code ipMasq} and an {@code ipam.type} other than this plugin (no delegation to an external
   * IPAM plugin). DEL, CHECK and GC do not, so that an attachment can always be cleaned up.
   */
  public static void requireSupported(NetConf conf) throws CniException {
    if (conf.bool("ipMasq", false)) {
      throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field ipMasq: true",
          "gantry-cni does not set up IP masquerading; leave ipMasq out or chain a plugin that does");
    }
    Map<String, Object> ipam = conf.object("ipam");
    if (ipam != null && ipam.get("type") != null && !conf.type().equals(ipam.get("type"))) {
      throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field ipam.type: " + ipam.get("type"),
          "bridge mode allocates with its built-in IPAM; leave ipam.type out or set it to " + conf.type());
    }
  }
}
