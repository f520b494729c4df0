/**
 * The plugin's server ({@code gantry-cni --serve}): a long-lived JVM that runs calls handed to it by the
 * {@code gantry-cni} launcher, so that a call costs no JVM start.
 *
 * <p>{@link io.gantry.cni.server.CniServer} listens on loopback and names its port and two tokens in a
 * pointer file beside the launcher that only its owner can read; {@link io.gantry.cni.server.Invocation}
 * is one call on the wire (the {@code CNI_*} variables and stdin). Each call runs
 * {@link io.gantry.cni.Main#run} on a virtual thread of its own, exactly as a process would.
 */
package io.gantry.cni.server;
