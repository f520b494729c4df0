/**
 * Plumbing the daemons share: the transport choice ({@code transport}) and the admin port with
 * {@code /metrics}, {@code /healthz}, {@code /readyz} ({@code admin}).
 */
package io.gantry.common;
