/**
 * ServiceAccounts: {@link io.gantry.control.server.controller.serviceaccount.ServiceAccountsController}
 * keeps a {@code default} ServiceAccount in every active namespace, as kube-controller-manager's
 * serviceaccount controller does. The admission side (pods default to and must name an existing
 * ServiceAccount) is {@link io.gantry.control.server.registry.ServiceAccountAdmission}.
 */
package io.gantry.control.server.controller.serviceaccount;
