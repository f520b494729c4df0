/**
 * Controller history, as upstream's {@code pkg/controller/history}: the apps/v1 ControllerRevisions a
 * controller keeps of its pod template ({@link io.gantry.control.server.controller.history.ControllerHistory}),
 * named {@code <owner>-<hash>}, numbered by {@code revision}, controlled by their owner and pruned to
 * its {@code revisionHistoryLimit}. Used by the DaemonSet controller; StatefulSets keep theirs the same way.
 */
package io.gantry.control.server.controller.history;
