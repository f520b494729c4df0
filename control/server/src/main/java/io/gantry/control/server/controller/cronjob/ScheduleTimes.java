package io.gantry.control.server.controller.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;

/**
 * When a CronJob runs next, as cronjob_controllerv2's {@code mostRecentScheduleTime}: the schedule
 * times after the last one scheduled (or the creation) are counted roughly from the interval between
 * the first two, and the most recent one up to now is found near the end.
 */
final class ScheduleTimes {

  /** How long after a schedule time the CronJob is queued again (upstream's nextScheduleDelta). */
  static final Duration NEXT_SCHEDULE_DELTA = Duration.ofMillis(100);

  /**
   * @param earliest   the time schedules are counted from
   * @param mostRecent the latest schedule time not after now, or null when none has come
   * @param missed     roughly how many schedule times have passed since {@code earliest}
   */
  record Missed(Instant earliest, Instant mostRecent, long missed) {}

  private ScheduleTimes() {}

  /**
   * The schedule times passed since the last schedule (or creation), or since {@code
   * startingDeadlineSeconds} ago when that is later and {@code withDeadline} is set.
   *
   * @throws IllegalStateException when two schedule times are less than a second apart
   */
  static Missed mostRecent(ObjectNode cronJob, Instant now, CronSchedule schedule, boolean withDeadline) {
    Instant earliest = earliest(cronJob);
    JsonNode deadline = cronJob.path("spec").path("startingDeadlineSeconds");
    if (withDeadline && deadline.canConvertToLong()) {
      Instant schedulingDeadline = now.minusSeconds(deadline.asLong());
      if (schedulingDeadline.isAfter(earliest)) {
        earliest = schedulingDeadline;
      }
    }
    Instant t1 = schedule.next(earliest);
    if (t1 == null || now.isBefore(t1)) {
      return new Missed(earliest, null, 0);
    }
    Instant t2 = schedule.next(t1);
    if (t2 == null || now.isBefore(t2)) {
      return new Missed(earliest, t1, 1);
    }
    long between = Math.round(Duration.between(t1, t2).toMillis() / 1000.0);
    if (between < 1) {
      throw new IllegalStateException("time difference between two schedules is less than 1 second");
    }
    long missed = Duration.between(t1, now).getSeconds() / between + 1;
    Instant potentialEarliest = t1.plusSeconds((missed - 2) * between);
    Instant mostRecent = latestUpTo(schedule, potentialEarliest, now);
    if (mostRecent == null) {
      // the intervals are uneven and the estimate overshot: walk from the first
      mostRecent = latestUpTo(schedule, earliest, now);
    }
    return new Missed(earliest, mostRecent, missed);
  }

  /** nextScheduleTimeDuration: how long until the schedule time after the most recent one, plus a little. */
  static Duration untilNext(ObjectNode cronJob, Instant now, CronSchedule schedule) {
    Instant from;
    try {
      Missed m = mostRecent(cronJob, now, schedule, false);
      from = m.mostRecent() != null ? m.mostRecent() : m.missed() == 0 ? m.earliest() : now;
    } catch (IllegalStateException e) {
      from = now;
    }
    Instant next = schedule.next(from);
    return next == null ? null : Duration.between(now, next.plus(NEXT_SCHEDULE_DELTA));
  }

  private static Instant latestUpTo(CronSchedule schedule, Instant from, Instant now) {
    Instant latest = null;
    for (Instant t = schedule.next(from); t != null && !t.isAfter(now); t = schedule.next(t)) {
      latest = t;
    }
    return latest;
  }

  private static Instant earliest(ObjectNode cronJob) {
    String last = cronJob.path("status").path("lastScheduleTime").asText("");
    String created = cronJob.path("metadata").path("creationTimestamp").asText("");
    return Instant.parse(!last.isEmpty() ? last : created);
  }
}
