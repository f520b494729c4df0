/**
 * The {@code gantry-cni} executable: a CNI 1.0.0/1.1.0 plugin (ADD, DEL, CHECK, VERSION, STATUS, GC).
 *
 * <p>{@link io.gantry.cni.Main} reads the {@code CNI_*} environment ({@link io.gantry.cni.CniEnv}) and the
 * network configuration on stdin ({@link io.gantry.cni.NetConf}), runs one command and writes the
 * result or the spec's error JSON ({@link io.gantry.cni.CniException}) to stdout. Address management
 * lives in {@code io.gantry.cni.ipam}; the bridge + veth wiring in {@code io.gantry.cni.bridge}. The
 * process is short-lived and single-threaded: everything here is plain sequential code.
 */
package io.gantry.cni;
