package io.gantry.proxy.balance;

/**
 * Chooses one of a service port's targets for a new connection or flow. Called on event loops
 * concurrently; implementations are thread-safe and never block.
 */
@FunctionalInterface
public interface Picker {

  /**
   * @param targets a non-empty array; never modified
   * @return one element of {@code targets}
   */
  Target pick(Target[] targets);
}
