/**
 * The ReplicaSet controller ({@link io.gantry.control.server.controller.replicaset.ReplicaSetController}):
 * keeps each ReplicaSet's, or with {@link io.gantry.control.server.controller.replicaset.ReplicaKind}
 * each ReplicationController's, pods at {@code spec.replicas} and publishes its status, with the pod
 * judgements ({@link io.gantry.control.server.controller.replicaset.Pods}) the Deployment controller
 * shares.
 */
package io.gantry.control.server.controller.replicaset;
