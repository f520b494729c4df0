/**
 * Bridge mode: a host bridge, a veth pair per pod with the pod end moved into {@code CNI_NETNS} and
 * named {@code CNI_IFNAME}, the pod's addresses and default route via the bridge gateway.
 *
 * <p>{@link io.gantry.cni.bridge.BridgePlugin} drives iproute2 ({@link io.gantry.cni.bridge.IpTool}):
 * {@code ip -batch} for the host side and {@code ip -n <name> -batch} inside the pod's namespace
 * ({@code nsenter --net=<netns> ip -batch} when {@code CNI_NETNS} is not under /run/netns), so one ADD
 * is two short processes and every step can be replayed by hand.
 */
package io.gantry.cni.bridge;
