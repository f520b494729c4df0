/**
 * The cluster CA for pods: {@link io.gantry.control.server.controller.rootca.RootCaPublisher} keeps
 * the {@code kube-root-ca.crt} ConfigMap in every active namespace, as kube-controller-manager's
 * root-ca-cert-publisher does.
 */
package io.gantry.control.server.controller.rootca;
