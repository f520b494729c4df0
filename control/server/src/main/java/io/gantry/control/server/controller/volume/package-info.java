/**
 * The persistentvolume-binder of kube-controller-manager for hand-made volumes, which binds
 * PersistentVolumeClaims to PersistentVolumes and keeps both phases ({@link
 * io.gantry.control.server.controller.volume.PersistentVolumeBinder}), and the pvc-protection and
 * pv-protection controllers, which let a claim go once no pod uses it and a volume once it is no longer
 * Bound ({@link io.gantry.control.server.controller.volume.PvcProtectionController}, {@link
 * io.gantry.control.server.controller.volume.PvProtectionController}).
 */
package io.gantry.control.server.controller.volume;
