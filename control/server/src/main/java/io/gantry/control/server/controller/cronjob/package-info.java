/**
 * kube-controller-manager's CronJob controller
 * ({@link io.gantry.control.server.controller.cronjob.CronJobController}): creates each batch/v1
 * CronJob's Jobs at its schedule times, read by {@link io.gantry.control.server.controller.cronjob.CronSchedule}
 * as robfig/cron reads them, and keeps its status and Job history.
 */
package io.gantry.control.server.controller.cronjob;
