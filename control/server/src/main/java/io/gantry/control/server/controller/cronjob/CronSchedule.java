package io.gantry.control.server.controller.cronjob;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CronJob's schedule, as robfig/cron's {@code ParseStandard} (which kube-apiserver validates with and
 * the CronJob controller runs on) reads it: five fields (minute, hour, day of month, month, day of
 * week) of lists, ranges, steps, {@code *} or {@code ?}, and the names JAN-DEC and SUN-SAT; or a
 * macro ({@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily},
 * {@code @midnight}, {@code @hourly}, {@code @every <duration>}); optionally led by {@code TZ=zone} or
 * {@code CRON_TZ=zone}. When both the day of month and the day of week are restricted (neither
 * starts with {@code *} or {@code ?}), a day matching either matches, as Vixie cron has it. Parse
 * errors carry robfig/cron's messages.
 */
public final class CronSchedule {

  private static final Pattern INT = Pattern.compile("[+-]?[0-9]+");
  private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
      Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
      Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
  private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4,
      "fri", 5, "sat", 6);
  private static final Map<String, String> MACROS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");
  /** How far ahead {@link #next} looks before giving up (robfig/cron's five years). */
  private static final int YEARS_AHEAD = 5;

  private final ZoneId zone;
  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final long months;
  private final long daysOfWeek;
  private final boolean anyDay;
  /** The {@code @every} interval, or null for a field schedule. */
  private final Duration every;

  private CronSchedule(ZoneId zone, long[] fields, boolean anyDay, Duration every) {
    this.zone = zone;
    this.minutes = fields[0];
    this.hours = fields[1];
    this.daysOfMonth = fields[2];
    this.months = fields[3];
    this.daysOfWeek = fields[4];
    this.anyDay = anyDay;
    this.every = every;
  }

  /**
   * The schedule, evaluated in {@code zone} unless it names its own.
   *
   * @throws IllegalArgumentException with robfig/cron's message when it does not parse
   */
  public static CronSchedule parse(String spec, ZoneId zone) {
    if (spec.isEmpty()) {
      throw new IllegalArgumentException("empty spec string");
    }
    if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
      int space = spec.indexOf(' ');
      String name = spec.substring(spec.indexOf('=') + 1, space < 0 ? spec.length() : space);
      try {
        zone = TimeZones.load(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("provided bad location " + name + ": " + e.getMessage());
      }
      spec = space < 0 ? "" : spec.substring(space).strip();
    }
    if (spec.startsWith("@")) {
      if (spec.startsWith("@every ")) {
        return new CronSchedule(zone, new long[5], false, everyInterval(spec.substring("@every ".length())));
      }
      String fields = MACROS.get(spec);
      if (fields == null) {
        throw new IllegalArgumentException("unrecognized descriptor: " + spec);
      }
      spec = fields;
    }
    String[] fields = spec.isBlank() ? new String[0] : spec.strip().split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException("expected exactly 5 fields, found " + fields.length + ": ["
          + String.join(" ", fields) + "]");
    }
    long[] bits = {
        field(fields[0], 0, 59, Map.of()), field(fields[1], 0, 23, Map.of()), field(fields[2], 1, 31, Map.of()),
        field(fields[3], 1, 12, MONTHS), field(fields[4], 0, 6, DAYS)};
    boolean anyDay = starred(fields[2]) || starred(fields[4]);
    return new CronSchedule(zone, bits, anyDay, null);
  }

  /** The zone the schedule is evaluated in. */
  public ZoneId zone() {
    return zone;
  }

  /**
   * The first activation strictly after {@code after}, or null when there is none within five years
   * (a day that never comes, such as 30 February).
   */
  public Instant next(Instant after) {
    if (every != null) {
      return after.minusNanos(after.getNano()).plus(every);
    }
    ZonedDateTime t = after.atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    int lastYear = t.getYear() + YEARS_AHEAD;
    while (t.getYear() <= lastYear) {
      if (!has(months, t.getMonthValue())) {
        t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(zone);
      } else if (!dayMatches(t)) {
        t = t.toLocalDate().plusDays(1).atStartOfDay(zone);
      } else if (!has(hours, t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!has(minutes, t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return t.toInstant();
      }
    }
    return null;
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = has(daysOfMonth, t.getDayOfMonth());
    boolean dow = has(daysOfWeek, t.getDayOfWeek().getValue() % 7);
    return anyDay ? dom && dow : dom || dow;
  }

  private static boolean has(long bits, int value) {
    return (bits & (1L << value)) != 0;
  }

  /** Whether the field keeps robfig/cron's star bit: {@code *} or {@code ?}, without a step above 1. */
  private static boolean starred(String field) {
    for (String range : field.split(",")) {
      if (range.isEmpty()) {
        continue;
      }
      String[] rangeAndStep = range.split("/", -1);
      String low = rangeAndStep[0].split("-", -1)[0];
      if ((low.equals("*") || low.equals("?"))
          && (rangeAndStep.length == 1 || rangeAndStep.length == 2 && INT.matcher(rangeAndStep[1]).matches()
              && Long.parseLong(rangeAndStep[1]) <= 1)) {
        return true;
      }
    }
    return false;
  }

  /** getField: the comma-separated ranges, ORed. */
  private static long field(String field, int min, int max, Map<String, Integer> names) {
    long bits = 0;
    for (String range : field.split(",")) {
      if (!range.isEmpty()) {
        bits |= range(range, min, max, names);
      }
    }
    return bits;
  }

  /** getRange: {@code number | number-number | *}, each optionally {@code /step}. */
  private static long range(String expr, int min, int max, Map<String, Integer> names) {
    String[] rangeAndStep = expr.split("/", -1);
    String[] lowAndHigh = rangeAndStep[0].split("-", -1);
    boolean single = lowAndHigh.length == 1;
    long start;
    long end;
    if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
      start = min;
      end = max;
    } else {
      start = intOrName(lowAndHigh[0], names);
      if (lowAndHigh.length == 1) {
        end = start;
      } else if (lowAndHigh.length == 2) {
        end = intOrName(lowAndHigh[1], names);
      } else {
        throw new IllegalArgumentException("too many hyphens: " + expr);
      }
    }
    long step;
    if (rangeAndStep.length == 1) {
      step = 1;
    } else if (rangeAndStep.length == 2) {
      step = integer(rangeAndStep[1]);
      if (single) {
        // "N/step" means "N-max/step"
        end = max;
      }
    } else {
      throw new IllegalArgumentException("too many slashes: " + expr);
    }
    if (start < min) {
      throw new IllegalArgumentException("beginning of range (" + start + ") below minimum (" + min + "): " + expr);
    }
    if (end > max) {
      throw new IllegalArgumentException("end of range (" + end + ") above maximum (" + max + "): " + expr);
    }
    if (start > end) {
      throw new IllegalArgumentException("beginning of range (" + start + ") beyond end of range (" + end + "): "
          + expr);
    }
    if (step == 0) {
      throw new IllegalArgumentException("step of range should be a positive number: " + expr);
    }
    long bits = 0;
    for (long i = start; i <= end; i += step) {
      bits |= 1L << i;
    }
    return bits;
  }

  private static long intOrName(String expr, Map<String, Integer> names) {
    Integer named = names.get(expr.toLowerCase(Locale.ROOT));
    return named != null ? named : integer(expr);
  }

  /** mustParseInt, with strconv.Atoi's words. */
  private static long integer(String expr) {
    if (!INT.matcher(expr).matches()) {
      throw new IllegalArgumentException("failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr
          + "\": invalid syntax");
    }
    long value;
    try {
      value = Long.parseLong(expr);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr
          + "\": value out of range");
    }
    if (value < 0) {
      throw new IllegalArgumentException("negative number (" + value + ") not allowed: " + expr);
    }
    return value;
  }

  /** Every(time.ParseDuration(...)): at least a second, in whole seconds. */
  private static Duration everyInterval(String text) {
    Duration d;
    try {
      d = GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("failed to parse duration " + text + ": " + e.getMessage());
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return Duration.ofSeconds(1);
    }
    return Duration.ofSeconds(d.getSeconds());
  }

  @Override
  public String toString() {
    return every != null ? "@every " + every : Arrays.toString(new long[] {minutes, hours, daysOfMonth, months,
        daysOfWeek}) + " " + zone;
  }

  /** Go's time zone lookup ({@code time.LoadLocation}): IANA names, with "" and UTC as UTC. */
  public static final class TimeZones {

    /** tzdata's fixed-offset zones that the JDK's region list leaves out (Go loads them from zoneinfo). */
    private static final Map<String, ZoneId> FIXED_ZONES = Map.of(
        "EST", ZoneOffset.ofHours(-5), "MST", ZoneOffset.ofHours(-7), "HST", ZoneOffset.ofHours(-10),
        "Factory", ZoneOffset.UTC);

    private TimeZones() {}

    /** @throws IllegalArgumentException {@code unknown time zone <name>} */
    public static ZoneId load(String name) {
      if (name.isEmpty() || name.equals("UTC")) {
        return ZoneOffset.UTC;
      }
      if (name.equals("Local")) {
        return ZoneId.systemDefault();
      }
      if (FIXED_ZONES.containsKey(name)) {
        return FIXED_ZONES.get(name);
      }
      if (ZoneId.getAvailableZoneIds().contains(name)) {
        try {
          return ZoneId.of(name);
        } catch (DateTimeException e) {
          // falls through to the error
        }
      }
      throw new IllegalArgumentException("unknown time zone " + name);
    }
  }
}
