/**
 * Address management in the style of the reference {@code host-local} plugin, usable on its own as an
 * IPAM plugin or inside the bridge plugin.
 *
 * <p>{@link io.gantry.cni.ipam.IpamConfig} parses {@code ipam.ranges} (range sets of {@code subnet},
 * {@code rangeStart}, {@code rangeEnd}, {@code gateway}), {@code ipam.routes} and {@code ipam.dataDir};
 * {@link io.gantry.cni.ipam.AllocationStore} keeps one file per allocated address under
 * {@code dataDir/<network>} (host-local's layout) and serializes every process on an exclusive
 * lock of {@code dataDir/<network>/lock}; {@link io.gantry.cni.ipam.Ipam} allocates, releases,
 * checks and garbage-collects on top of it.
 */
package io.gantry.cni.ipam;
