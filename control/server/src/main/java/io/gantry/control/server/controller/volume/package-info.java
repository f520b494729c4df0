/**
 * The persistentvolume-binder of kube-controller-manager for hand-made volumes: binds PersistentVolumeClaims
 * to PersistentVolumes and keeps both phases.
 */
package io.gantry.control.server.controller.volume;
