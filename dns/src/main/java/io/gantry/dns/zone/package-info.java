/**
 * The cluster zone: records of the Kubernetes DNS specification built from views into an immutable {@link io.gantry.dns.zone.DnsZoneSnapshot} of precomputed wire-format answers ({@link io.gantry.dns.zone.ZoneBuilder} builds it, {@link io.gantry.dns.zone.ZoneHolder} publishes it).
 */
package io.gantry.dns.zone;
