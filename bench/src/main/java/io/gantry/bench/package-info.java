/**
 * Load benchmarks that drive a real {@code gantry control} process over HTTPS from
 * {@code 127.0.0.1}, the way clients do. The entry point is {@link io.gantry.bench.ApiBench}
 * ({@code bin/bench api}); {@link io.gantry.bench.GantryServer} owns the server process and
 * reads its CPU time and memory from {@code /proc}; {@link io.gantry.bench.CreateLoad} and
 * {@link io.gantry.bench.WatchFanout} are the scenarios; {@link io.gantry.bench.Report} prints
 * the one-figure-per-line results on standard output while progress goes to standard error.
 */
package io.gantry.bench;
