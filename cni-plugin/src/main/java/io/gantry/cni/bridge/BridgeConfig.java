package io.gantry.cni.bridge;

import io.gantry.cni.CniEnv;
import io.gantry.cni.CniException;
import io.gantry.cni.NetConf;

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
}
