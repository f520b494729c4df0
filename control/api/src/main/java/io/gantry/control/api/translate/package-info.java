/**
 * Translation of Kubernetes objects (JSON trees) into the DataPlane's compact views: used by the
 * control component to build what it pushes, and by daemons' static modes that read a folder of
 * Kubernetes YAML without a control component.
 */
package io.gantry.control.api.translate;
