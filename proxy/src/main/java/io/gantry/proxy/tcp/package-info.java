/**
 * The TCP data path: one listener per served address ({@link io.gantry.proxy.tcp.TcpListener}),
 * a frontend/backend handler pair per connection that relays with backpressure on one event loop,
 * and the registry of live connections that drains them when their endpoint, service or listener
 * goes away ({@link io.gantry.proxy.tcp.ConnectionRegistry}).
 */
package io.gantry.proxy.tcp;
