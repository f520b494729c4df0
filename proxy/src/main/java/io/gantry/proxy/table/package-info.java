/**
 * The routing table: {@link io.gantry.proxy.table.RoutingSnapshot}, built by
 * {@link io.gantry.proxy.table.RoutingSnapshotBuilder} from service, endpoint and node views. It
 * maps (address, port, protocol) to a {@link io.gantry.proxy.table.ServiceEntry} whose endpoint
 * arrays are precomputed with Kubernetes semantics (ready endpoints, else serving-and-terminating
 * ones; {@code Local} traffic policies keep node-local endpoints only), so that per-connection
 * work is one hash lookup and one pick. Changes arrive as {@link io.gantry.proxy.table.ViewDelta}s
 * and rebuild only the services they name; consecutive snapshots share the rest.
 */
package io.gantry.proxy.table;
