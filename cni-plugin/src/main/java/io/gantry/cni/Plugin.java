package io.gantry.cni;

import java.io.IOException;
import java.util.Map;

/**
 * One way of serving the attachment commands: {@link IpamPlugin} (an IPAM plugin, as a bridge-type
 * plugin delegates to) or {@link io.gantry.cni.bridge.BridgePlugin} (the full bridge + veth plugin).
 * Environment and the shared configuration fields are validated before any method runs.
 */
public interface Plugin {
  /** ADD: returns the result object (without {@code cniVersion}, which {@link Main} adds). */
  Map<String, Object> add(CniEnv env, NetConf conf) throws CniException, IOException;

  /** DEL: releases what ADD created; idempotent, and succeeds when things are already gone. */
  void del(CniEnv env, NetConf conf) throws CniException, IOException;

  /** CHECK: returns normally when the attachment is as {@code prevResult} says. */
  void check(CniEnv env, NetConf conf) throws CniException, IOException;

  /** GC: releases everything not in {@code cni.dev/valid-attachments}. */
  void gc(CniEnv env, NetConf conf) throws CniException, IOException;

  /** STATUS: returns normally when ADD can be served; otherwise code 50. */
  void status(CniEnv env, NetConf conf) throws CniException, IOException;
}
