/**
 * The cluster's credentials: the CA and the API server's serving certificate
 * ({@link io.gantry.control.server.tls.ClusterCertificates}), the admin bearer token
 * ({@link io.gantry.control.server.tls.AdminToken}), the key that signs service-account tokens
 * ({@link io.gantry.control.server.tls.ServiceAccountKey}) and the kubeconfig that hands the CA and
 * admin token to {@code kubectl} ({@link io.gantry.control.server.tls.Kubeconfig}). Everything is created on
 * first start, persisted in the data directory with owner-only permissions where secret, and
 * reused on restart so that kubeconfigs written earlier keep working.
 */
package io.gantry.control.server.tls;
