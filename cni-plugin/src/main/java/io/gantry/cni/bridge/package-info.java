/**
 * Bridge mode: a host bridge, a veth pair per pod with the pod end moved into {@code CNI_NETNS} and
 * named {@code CNI_IFNAME}, the pod's addresses and default route via the bridge gateway.
 *
 * <p>{@link io.gantry.cni.bridge.BridgePlugin} drives iproute2 ({@link io.gantry.cni.bridge.IpTool}):
 * {@code ip -batch} for the host side and {@code nsenter --net=<netns> ip -batch} inside the pod's
 * namespace, so one ADD is three short processes and every step can be replayed by hand.
 */
package io.gantry.cni.bridge;
