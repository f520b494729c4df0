/**
 * The UDP data path: one socket per served address ({@link io.gantry.proxy.udp.UdpListener});
 * per client address a flow with its own connected socket to the chosen endpoint; replies leave
 * through the listener's socket, so they come from the service address. Flows expire when idle
 * and move to a live endpoint when theirs leaves the service.
 */
package io.gantry.proxy.udp;
