/**
 * The Netty side: {@link io.gantry.dns.server.DnsServer} binds UDP and TCP on one port, {@link io.gantry.dns.server.QueryDecoder} turns packets into {@link io.gantry.dns.server.DnsRequest}s, {@link io.gantry.dns.server.DnsQueryHandler} answers them through {@link io.gantry.dns.server.ResponseWriter} (EDNS0, truncation) and {@link io.gantry.dns.server.Autopath}.
 */
package io.gantry.dns.server;
