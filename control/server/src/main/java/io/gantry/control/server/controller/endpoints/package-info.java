/**
 * The EndpointSlice controller: turns each selector Service and the pods it selects into IPv4
 * EndpointSlices (at most 100 endpoints each, grouped by resolved port mapping, with upstream's
 * ready/serving/terminating conditions) and a legacy v1 Endpoints mirror, with as few writes as
 * upstream's reconciler. Entry point: {@link io.gantry.control.server.controller.endpoints.EndpointSliceController};
 * the planning is a pure function in {@code SlicePlanner}, the pod rules in {@code PodEndpoints}.
 */
package io.gantry.control.server.controller.endpoints;
