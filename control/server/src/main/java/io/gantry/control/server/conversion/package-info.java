/**
 * Conversions between the representations of a kind that is served under two API groups but stored
 * once, as kube-apiserver stores the core {@code v1} and {@code events.k8s.io/v1} Events in one key
 * space. {@link io.gantry.control.server.conversion.Conversions#of} gives a served type's
 * {@link io.gantry.control.server.conversion.ObjectConversion}; the registry applies it at its edges
 * (decoding stored objects for get, list and watch, encoding them for writes), so that defaulting,
 * patching, validation and printing see the representation the client asked for.
 */
package io.gantry.control.server.conversion;
