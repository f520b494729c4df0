/**
 * Pod networks, one per network mode behind {@link io.gantry.node.network.PodNetwork}:
 * {@link io.gantry.node.network.LoopbackPodNetwork} (127.0.0.0/8 addresses, no set-up) and
 * {@link io.gantry.node.network.HostPodNetwork} (a network namespace per pod wired by
 * {@code gantry-cni}, with the cluster DNS in its resolv.conf). The pod manager calls them off its
 * loop; {@code commandPrefix} is how anything runs a command inside a pod.
 */
package io.gantry.node.network;
