/**
 * Host network mode's plumbing: {@link io.gantry.proxy.host.AddressPlumbing} makes service
 * addresses local before the proxy binds on them ({@link io.gantry.proxy.host.DummyInterface}
 * in host mode, nothing in loopback mode); {@link io.gantry.proxy.host.HostAddresses} finds the
 * node addresses NodePorts are served on, and
 * {@link io.gantry.proxy.host.NodeAddressWatcher} follows them as they change.
 */
package io.gantry.proxy.host;
