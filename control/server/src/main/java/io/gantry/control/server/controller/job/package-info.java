/**
 * kube-controller-manager's Job controller ({@link io.gantry.control.server.controller.job.JobController}):
 * runs each batch/v1 Job's pods to completion, counts them, fails the Job at its backoff limit or
 * deadline, suspends and resumes it; and the TTL-after-finished controller
 * ({@link io.gantry.control.server.controller.job.TtlAfterFinishedController}) that deletes finished
 * Jobs once their {@code ttlSecondsAfterFinished} has passed.
 */
package io.gantry.control.server.controller.job;
