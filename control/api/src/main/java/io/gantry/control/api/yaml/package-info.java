/**
 * Kubernetes YAML read as kube-apiserver and kubectl read it: for request bodies and for the
 * daemons' static modes.
 */
package io.gantry.control.api.yaml;
