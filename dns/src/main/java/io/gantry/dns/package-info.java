/**
 * In-cluster DNS: the Kubernetes DNS-Based Service Discovery specification (schema 1.1.0) for the
 * cluster zone, answered from a precomputed {@link io.gantry.dns.zone.DnsZoneSnapshot}, with other
 * names forwarded upstream through a cache. Entry point: {@link io.gantry.dns.DnsDaemon} with a
 * {@link io.gantry.dns.DnsDaemonConfig}; packages: {@code zone} (records and answers), {@code server}
 * (Netty UDP/TCP, decoding, responses, autopath), {@code source} (static folder or DataPlane
 * stream), {@code forward} (upstreams and cache), {@code metrics} (CoreDNS-named counters).
 */
package io.gantry.dns;
