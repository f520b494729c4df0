/**
 * Plumbing the daemons share: the transport choice ({@code transport}) and the admin port with
 * {@code /metrics}, {@code /healthz}, {@code /readyz} ({@code admin}), and Go's text forms that
 * Kubernetes clients read ({@code text}).
 */
package io.gantry.common;
