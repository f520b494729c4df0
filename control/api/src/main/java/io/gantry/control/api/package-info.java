/**
 * The data-plane contract shared by the control component and every daemon: the generated
 * messages of the DataPlane gRPC stream ({@code io.gantry.control.api.v1}, from
 * {@code gantry/dataplane/v1/dataplane.proto}), resource naming helpers ({@link
 * io.gantry.control.api.Resources}) and the validators both ends run on every view ({@link
 * io.gantry.control.api.ViewValidator}).
 */
package io.gantry.control.api;
