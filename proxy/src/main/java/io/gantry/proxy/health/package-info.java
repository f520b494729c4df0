/**
 * The proxy's health as kube-proxy reports it: {@link io.gantry.proxy.health.ProxyHealth} (the
 * {@code /healthz} and {@code /livez} answers of the admin port) and the
 * {@code healthCheckNodePort} servers of LoadBalancer services with
 * {@code externalTrafficPolicy: Local} ({@link io.gantry.proxy.health.HealthCheckListener}):
 * plain HTTP/1.1 answers, as kube-proxy's, read from the current routing table.
 */
package io.gantry.proxy.health;
