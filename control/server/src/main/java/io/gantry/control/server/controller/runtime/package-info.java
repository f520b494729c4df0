/**
 * What every controller runs on, in process: {@link io.gantry.control.server.controller.runtime.Informer}
 * (a watched, cached view of one type), {@link io.gantry.control.server.controller.runtime.WorkQueue}
 * (de-duplicated keys with back-off) and {@link io.gantry.control.server.controller.runtime.ControllerLoop}
 * (workers that reconcile keys). Controllers read caches and write through the
 * {@link io.gantry.control.server.registry.ObjectRegistry}, as kube-controller-manager does
 * through kube-apiserver.
 */
package io.gantry.control.server.controller.runtime;
