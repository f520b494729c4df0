/**
 * {@link io.gantry.dns.metrics.DnsMetrics}: lock-free counters rendered under CoreDNS's metric names.
 */
package io.gantry.dns.metrics;
