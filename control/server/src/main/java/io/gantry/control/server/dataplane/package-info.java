/**
 * The control component's side of the DataPlane stream. {@link
 * io.gantry.control.server.dataplane.ViewSnapshotBuilder} turns informer events into versioned
 * views published as immutable {@link io.gantry.control.server.dataplane.ViewSnapshot}s; {@link
 * io.gantry.control.server.dataplane.DataPlaneServer} serves them over gRPC, one coalescing
 * {@code Subscription} per daemon that pushes {@link io.gantry.control.server.dataplane.Delta}s
 * and tracks ACKs; {@link io.gantry.control.server.dataplane.DataPlane} assembles both for
 * {@code ControlServer}.
 */
package io.gantry.control.server.dataplane;
