/**
 * The Deployment controller ({@link io.gantry.control.server.controller.deployment.DeploymentController}):
 * rollouts through ReplicaSets, revision history and the status {@code kubectl rollout} reads.
 * {@link io.gantry.control.server.controller.deployment.PodTemplates} holds the template hash.
 */
package io.gantry.control.server.controller.deployment;
