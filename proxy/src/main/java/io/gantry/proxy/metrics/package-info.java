/** Per-service counters and the proxy's Prometheus text for the admin port's {@code /metrics}. */
package io.gantry.proxy.metrics;
