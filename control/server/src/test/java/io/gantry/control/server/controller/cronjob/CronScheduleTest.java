package io.gantry.control.server.controller.cronjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Cron schedules as robfig/cron's ParseStandard reads and runs them. */
class CronScheduleTest {

  private static Instant next(String spec, String after) {
    return CronSchedule.parse(spec, ZoneOffset.UTC).next(Instant.parse(after));
  }

  @Test
  void everyMinuteIsTheNextWholeMinuteStrictlyAfter() {
    assertEquals(Instant.parse("2026-03-04T05:07:00Z"), next("*/1 * * * *", "2026-03-04T05:06:00Z"));
    assertEquals(Instant.parse("2026-03-04T05:07:00Z"), next("* * * * *", "2026-03-04T05:06:59.900Z"));
  }

  @Test
  void rangesStepsAndLists() {
    assertEquals(Instant.parse("2026-03-04T05:15:00Z"), next("0,15,30,45 * * * *", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-04T05:10:00Z"), next("*/10 * * * *", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-04T09:00:00Z"), next("0 9-17/4 * * *", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-04T13:00:00Z"), next("0 9-17/4 * * *", "2026-03-04T09:00:00Z"));
    assertEquals(Instant.parse("2026-03-05T09:00:00Z"), next("0 9-17/4 * * *", "2026-03-04T17:00:00Z"));
    // "N/step" is "N-max/step"
    assertEquals(Instant.parse("2026-03-04T05:50:00Z"), next("5/15 * * * *", "2026-03-04T05:35:00Z"));
  }

  @Test
  void monthAndDayNamesInAnyCase() {
    // 2026-03-04 is a Wednesday
    assertEquals(Instant.parse("2026-03-06T00:00:00Z"), next("0 0 * * FRI", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-09T00:00:00Z"), next("0 0 * * mon-fri", "2026-03-06T00:00:00Z"));
    assertEquals(Instant.parse("2026-06-01T00:00:00Z"), next("0 0 1 jun,Dec *", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-08T00:00:00Z"), next("0 0 ? * sun", "2026-03-04T05:06:07Z"));
  }

  @Test
  void restrictedDayOfMonthAndDayOfWeekMatchEither() {
    // the 13th, or any Friday: Friday 6 March comes first
    assertEquals(Instant.parse("2026-03-06T00:00:00Z"), next("0 0 13 * 5", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-13T00:00:00Z"), next("0 0 13 * 5", "2026-03-06T00:00:00Z"));
    // a starred day of week leaves the day of month alone
    assertEquals(Instant.parse("2026-03-13T00:00:00Z"), next("0 0 13 * *", "2026-03-04T05:06:07Z"));
    // */1 keeps the star, */2 does not
    assertEquals(Instant.parse("2026-03-13T00:00:00Z"), next("0 0 13 * */1", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-05T00:00:00Z"), next("0 0 13 * */2", "2026-03-04T05:06:07Z"));
  }

  @Test
  void macros() {
    assertEquals(Instant.parse("2027-01-01T00:00:00Z"), next("@yearly", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2027-01-01T00:00:00Z"), next("@annually", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-04-01T00:00:00Z"), next("@monthly", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-08T00:00:00Z"), next("@weekly", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-05T00:00:00Z"), next("@daily", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-05T00:00:00Z"), next("@midnight", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-04T06:00:00Z"), next("@hourly", "2026-03-04T05:06:07Z"));
    assertEquals(Instant.parse("2026-03-04T06:36:07Z"), next("@every 1h30m", "2026-03-04T05:06:07.250Z"));
  }

  @Test
  void evaluatedInTheZoneOrTheScheduleOwn() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    assertEquals(Instant.parse("2026-03-04T08:00:00Z"),
        CronSchedule.parse("0 9 * * *", berlin).next(Instant.parse("2026-03-04T05:06:07Z")));
    assertEquals(Instant.parse("2026-03-04T08:00:00Z"),
        CronSchedule.parse("CRON_TZ=Europe/Berlin 0 9 * * *", ZoneOffset.UTC).next(Instant.parse("2026-03-04T05:06:07Z")));
  }

  @Test
  void aDayThatNeverComesHasNoNextTime() {
    assertNull(next("0 0 30 2 *", "2026-03-04T05:06:07Z"));
  }

  @Test
  void errorsCarryRobfigCronsWords() {
    assertEquals("expected exactly 5 fields, found 3: [* * *]", error("* * *"));
    assertEquals("empty spec string", error(""));
    assertEquals("end of range (60) above maximum (59): 0-60", error("0-60 * * * *"));
    assertEquals("beginning of range (0) below minimum (1): 0", error("0 0 0 * *"));
    assertEquals("beginning of range (5) beyond end of range (2): 5-2", error("5-2 * * * *"));
    assertEquals("step of range should be a positive number: */0", error("*/0 * * * *"));
    assertEquals("too many hyphens: 1-2-3", error("1-2-3 * * * *"));
    assertEquals("too many slashes: */2/3", error("*/2/3 * * * *"));
    assertEquals("failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax", error("x * * * *"));
    assertEquals("end of range (7) above maximum (6): 7", error("0 0 * * 7"));
    assertEquals("unrecognized descriptor: @often", error("@often"));
    assertEquals("failed to parse duration soon: time: invalid duration \"soon\"", error("@every soon"));
    assertEquals("provided bad location Mars/Base: unknown time zone Mars/Base", error("TZ=Mars/Base * * * * *"));
  }

  private static String error(String spec) {
    return assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(spec, ZoneOffset.UTC)).getMessage();
  }
}
