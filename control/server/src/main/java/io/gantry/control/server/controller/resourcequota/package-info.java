/**
 * ResourceQuotas' status: {@link io.gantry.control.server.controller.resourcequota.ResourceQuotaController}
 * keeps each quota's {@code status.hard} and {@code status.used} in line with its namespace's objects, as
 * kube-controller-manager's resource quota controller does.
 */
package io.gantry.control.server.controller.resourcequota;
