/**
 * Fixtures for end-to-end tests that run Gantry as a real process and drive it with real clients:
 * {@link io.gantry.testing.GantryProcess} starts {@code gantry up} on a temporary data dir and a free
 * port, {@link io.gantry.testing.Kubectl} runs a real {@code kubectl} binary against it,
 * {@link io.gantry.testing.Curl} runs {@code curl}, and {@link io.gantry.testing.ApiClient} makes raw
 * API calls (including streaming watches, {@link io.gantry.testing.WatchStream}) with the JDK HTTP
 * client trusting the cluster CA, {@link io.gantry.testing.RawHttps} writes requests by hand over
 * TLS (truncated, oversized, reused connections), and {@link io.gantry.testing.PrintedTable} reads
 * kubectl's column output.
 */
package io.gantry.testing;
