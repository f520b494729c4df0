/**
 * The control component's admin port ({@link io.gantry.control.server.admin.AdminServer}):
 * Prometheus {@code /metrics}, {@code /healthz}, {@code /readyz} and the data-plane
 * {@code /status} that {@code gantry status} prints.
 */
package io.gantry.control.server.admin;
