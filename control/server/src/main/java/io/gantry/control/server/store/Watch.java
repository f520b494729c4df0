package io.gantry.control.server.store;

/** A running watch; closing it stops delivery. */
public interface Watch extends AutoCloseable {
  @Override
  void close();
}
