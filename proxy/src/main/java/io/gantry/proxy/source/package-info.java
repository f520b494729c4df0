/**
 * Where the proxy's configuration comes from: a folder of Kubernetes YAML
 * ({@link io.gantry.proxy.source.StaticManifestSource}) or the control component's DataPlane
 * stream ({@link io.gantry.proxy.source.ControlSource}). Both translate to the same views with
 * control/api's translators and feed {@link io.gantry.proxy.ProxyServer#update} with what changed
 * (a {@link io.gantry.proxy.table.ViewDelta}), not the whole configuration.
 */
package io.gantry.proxy.source;
