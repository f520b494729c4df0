package io.gantry.control.server.table;

import java.time.Duration;
import java.time.Instant;

/**
 * Ages as kube-apiserver prints them: {@code k8s.io/apimachinery/pkg/util/duration.HumanDuration},
 * about two or three significant figures ({@code 45s}, {@code 5m10s}, {@code 3h}, {@code 2d5h},
 * {@code 12d}, {@code 3y45d}).
 */
public final class HumanDuration {

  private static final long MINUTE = 60;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;

  private HumanDuration() {}

  /** The age of {@code timestamp} at {@code now}; {@code <unknown>} when there is no timestamp. */
  public static String since(Instant timestamp, Instant now) {
    return timestamp == null ? "<unknown>" : format(Duration.between(timestamp, now));
  }

  /** Formats a duration; up to two seconds in the future reads {@code 0s} (clock skew), more reads {@code <invalid>}. */
  public static String format(Duration d) {
    // Go truncates toward zero (int(d.Seconds())); Duration.getSeconds() floors.
    long seconds = d.getSeconds();
    if (seconds < 0 && d.getNano() > 0) {
      seconds++;
    }
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 2 * MINUTE) {
      return seconds + "s";
    }
    long minutes = seconds / MINUTE;
    if (minutes < 10) {
      long s = seconds % MINUTE;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 3 * 60) {
      return minutes + "m";
    }
    long hours = seconds / HOUR;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long years = hours / 24 / 365;
      long days = hours / 24 % 365;
      return days == 0 ? years + "y" : years + "y" + days + "d";
    }
    return seconds / DAY / 365 + "y";
  }
}
