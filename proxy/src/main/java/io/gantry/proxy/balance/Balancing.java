package io.gantry.proxy.balance;

import java.util.Locale;

/** The balancing algorithms, chosen per proxy by flag and per service by the {@code gantry.io/balancing} annotation. */
public enum Balancing {
  RANDOM("random"),
  ROUND_ROBIN("round-robin"),
  LEAST_CONNECTIONS("least-connections"),
  POWER_OF_TWO("power-of-two");

  private final String flag;

  Balancing(String flag) {
    this.flag = flag;
  }

  public String flag() {
    return flag;
  }

  /** A new picker of this kind (round robin keeps a position, so each service port gets its own). */
  public Picker newPicker() {
    return switch (this) {
      case RANDOM -> Pickers.RANDOM;
      case ROUND_ROBIN -> new Pickers.RoundRobin();
      case LEAST_CONNECTIONS -> Pickers.LEAST_CONNECTIONS;
      case POWER_OF_TWO -> Pickers.POWER_OF_TWO;
    };
  }

  /** Parses a flag or annotation value (also accepts {@code rr}, {@code least-conn}, {@code p2c}). */
  public static Balancing parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (v) {
      case "random" -> RANDOM;
      case "round-robin", "roundrobin", "rr" -> ROUND_ROBIN;
      case "least-connections", "least-conn", "leastconn" -> LEAST_CONNECTIONS;
      case "power-of-two", "power-of-two-choices", "p2c" -> POWER_OF_TWO;
      default -> throw new IllegalArgumentException("balancing: " + value
          + " (expected: random, round-robin, least-connections or power-of-two)");
    };
  }
}
