/**
 * Resource quota accounting shared by the ResourceQuota admission plugin and the resource quota
 * controller, after apiserver's {@code quota/v1} and kube-controller-manager's evaluators: what each
 * object consumes ({@link io.gantry.control.server.quota.Evaluators}), what a write would charge to its
 * namespace's quotas ({@link io.gantry.control.server.quota.QuotaCheck}), and a quota's recomputed
 * status ({@link io.gantry.control.server.quota.QuotaStatus}). Quantities keep their format
 * ({@link io.gantry.control.server.resource.ParsedQuantity}) so that usage prints as upstream prints it.
 */
package io.gantry.control.server.quota;
