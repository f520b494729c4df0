/**
 * Where the zone comes from: {@link io.gantry.dns.source.ManifestSource} (a folder of Kubernetes YAML, static mode) or {@link io.gantry.dns.source.ControlSource} (the DataPlane stream); both rebuild and publish a snapshot on change.
 */
package io.gantry.dns.source;
