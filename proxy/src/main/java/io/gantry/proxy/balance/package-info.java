/**
 * Endpoint pickers (random, round robin, least connections, power of two choices) and the
 * {@code sessionAffinity: ClientIP} table.
 */
package io.gantry.proxy.balance;
