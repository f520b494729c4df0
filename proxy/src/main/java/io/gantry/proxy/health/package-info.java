/**
 * The {@code healthCheckNodePort} servers of services with {@code externalTrafficPolicy: Local}:
 * plain HTTP/1.1 answers, as kube-proxy's, read from the current routing table.
 */
package io.gantry.proxy.health;
