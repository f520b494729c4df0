/**
 * Names outside the zone: {@link io.gantry.dns.forward.UpstreamForwarder} sends them to upstream resolvers and stub domains through a Caffeine cache; {@link io.gantry.dns.forward.ResponseInspector} walks upstream answers without trusting them.
 */
package io.gantry.dns.forward;
