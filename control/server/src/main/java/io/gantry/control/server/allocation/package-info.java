/**
 * Allocators that reserve what an object needs in the same store transaction that writes it:
 * Service ClusterIPs ({@link io.gantry.control.server.allocation.ClusterIpAllocator}), node ports
 * ({@link io.gantry.control.server.allocation.NodePortAllocator}), LoadBalancer addresses
 * ({@link io.gantry.control.server.allocation.LoadBalancerIpAllocator}) and Node pod CIDRs
 * ({@link io.gantry.control.server.allocation.PodCidrAllocator}), each a registry
 * {@code WritePlugin}. Reservations are store keys under {@code /registry/allocations/<pool>/}
 * whose values name the owning object; they are the allocators' only state, so a restart needs no
 * repair pass and a transaction compare settles every race. Entry points:
 * {@link io.gantry.control.server.allocation.Allocators#create} and
 * {@link io.gantry.control.server.allocation.KubernetesService#ensure}.
 */
package io.gantry.control.server.allocation;
