/**
 * Revision history of workload controllers in apps/v1 ControllerRevisions, as upstream's
 * {@code pkg/controller/history}: {@link io.gantry.control.server.controller.history.ControllerHistory}
 * names, hashes, finds, creates, renumbers and truncates the revisions one owner controls. Used by the
 * StatefulSet controller (and meant for the DaemonSet controller).
 */
package io.gantry.control.server.controller.history;
