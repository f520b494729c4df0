/**
 * Revision history of workload controllers in apps/v1 ControllerRevisions, as upstream's
 * {@code pkg/controller/history}: {@link io.gantry.control.server.controller.history.ControllerHistory}
 * names, hashes, finds, creates, renumbers and truncates the revisions one owner controls. The StatefulSet
 * controller uses all of it; the DaemonSet controller names and labels its revisions by its pod template's
 * hash, as upstream's does, and shares the rest.
 */
package io.gantry.control.server.controller.history;
