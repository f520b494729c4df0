package io.gantry.control.server.controller;

import io.gantry.control.server.controller.daemon.DaemonSetController;
import io.gantry.control.server.controller.deployment.DeploymentController;
import io.gantry.control.server.controller.gc.GarbageCollector;
import io.gantry.control.server.controller.replicaset.ReplicaKind;
import io.gantry.control.server.controller.replicaset.ReplicaSetController;
import io.gantry.control.server.controller.runtime.Informer;
import io.gantry.control.server.controller.statefulset.StatefulSetController;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceTypes;
import java.util.List;

/**
 * The workload controllers and the garbage collector over shared informers: what
 * kube-controller-manager runs for Deployments, ReplicaSets, ReplicationControllers, DaemonSets,
 * StatefulSets and owner references.
 *
 * <p>Lifecycle: {@link #start} creates the informers, registers the controllers on them, starts
 * the informers (their initial listing queues every object) and then the controllers' workers;
 * {@link #close} stops the controllers, then the informers. Close before the store.
 */
public final class WorkloadControllers implements AutoCloseable {

  private final List<Informer> informers;
  private final ReplicaSetController replicaSets;
  private final ReplicaSetController replicationControllers;
  private final DeploymentController deployments;
  private final DaemonSetController daemonSets;
  private final StatefulSetController statefulSets;
  private final GarbageCollector garbageCollector;

  private WorkloadControllers(List<Informer> informers, ReplicaSetController replicaSets,
      ReplicaSetController replicationControllers, DeploymentController deployments, DaemonSetController daemonSets,
      StatefulSetController statefulSets, GarbageCollector garbageCollector) {
    this.informers = informers;
    this.replicaSets = replicaSets;
    this.replicationControllers = replicationControllers;
    this.deployments = deployments;
    this.daemonSets = daemonSets;
    this.statefulSets = statefulSets;
    this.garbageCollector = garbageCollector;
  }

  public static WorkloadControllers start(ObjectRegistry registry, ObjectWatcher watcher) {
    Informer deploymentInformer = Informer.of(ResourceTypes.DEPLOYMENTS);
    Informer replicaSetInformer = Informer.of(ResourceTypes.REPLICASETS);
    Informer replicationControllerInformer = Informer.of(ResourceTypes.REPLICATIONCONTROLLERS);
    Informer podInformer = Informer.of(ResourceTypes.PODS);
    Informer serviceInformer = Informer.of(ResourceTypes.SERVICES);
    Informer sliceInformer = Informer.of(ResourceTypes.ENDPOINTSLICES);
    Informer daemonSetInformer = Informer.of(ResourceTypes.DAEMONSETS);
    Informer statefulSetInformer = Informer.of(ResourceTypes.STATEFULSETS);
    Informer nodeInformer = Informer.of(ResourceTypes.NODES);
    Informer revisionInformer = Informer.of(ResourceTypes.CONTROLLERREVISIONS);
    Informer claimInformer = Informer.of(ResourceTypes.PERSISTENTVOLUMECLAIMS);
    List<Informer> informers = new java.util.ArrayList<>(List.of(deploymentInformer, replicaSetInformer,
        replicationControllerInformer, podInformer, serviceInformer, sliceInformer, daemonSetInformer, nodeInformer,
        statefulSetInformer, revisionInformer, claimInformer));
    // owners and dependents of any other kind a client may link with ownerReferences (events excepted)
    for (var type : List.of(ResourceTypes.CONFIGMAPS, ResourceTypes.SECRETS, ResourceTypes.ENDPOINTS,
        ResourceTypes.NAMESPACES, ResourceTypes.INGRESSES, ResourceTypes.INGRESSCLASSES,
        ResourceTypes.NETWORKPOLICIES, ResourceTypes.LEASES, ResourceTypes.SERVICEACCOUNTS,
        ResourceTypes.PODDISRUPTIONBUDGETS, ResourceTypes.ROLES, ResourceTypes.ROLEBINDINGS, ResourceTypes.CLUSTERROLES,
        ResourceTypes.CLUSTERROLEBINDINGS, ResourceTypes.JOBS, ResourceTypes.CRONJOBS, ResourceTypes.PERSISTENTVOLUMES)) {
      informers.add(Informer.of(type));
    }
    ReplicaSetController rsController = new ReplicaSetController(registry.as("replicaset-controller"),
        ReplicaKind.REPLICA_SETS, replicaSetInformer, podInformer);
    ReplicaSetController rcController = new ReplicaSetController(registry.as("replication-controller"),
        ReplicaKind.REPLICATION_CONTROLLERS, replicationControllerInformer, podInformer);
    DeploymentController deploymentController = new DeploymentController(registry.as("deployment-controller"),
        deploymentInformer,
        replicaSetInformer, podInformer);
    DaemonSetController daemonSetController = new DaemonSetController(registry.as("daemonset-controller"),
        daemonSetInformer, podInformer, nodeInformer, revisionInformer);
    StatefulSetController statefulSetController = new StatefulSetController(registry.as(StatefulSetController.MANAGER),
        statefulSetInformer, podInformer, revisionInformer, claimInformer);
    GarbageCollector gc = new GarbageCollector(registry.as("garbage-collector"), informers);
    for (Informer informer : informers) {
      informer.start(watcher);
    }
    rsController.start(2);
    rcController.start(1);
    deploymentController.start(2);
    daemonSetController.start(1);
    statefulSetController.start(1);
    gc.start(1);
    return new WorkloadControllers(List.copyOf(informers), rsController, rcController, deploymentController,
        daemonSetController, statefulSetController, gc);
  }

  public ReplicaSetController replicaSets() {
    return replicaSets;
  }

  public ReplicaSetController replicationControllers() {
    return replicationControllers;
  }

  public DeploymentController deployments() {
    return deployments;
  }

  public DaemonSetController daemonSets() {
    return daemonSets;
  }

  public StatefulSetController statefulSets() {
    return statefulSets;
  }

  public GarbageCollector garbageCollector() {
    return garbageCollector;
  }

  /** Queues every Deployment, ReplicaSet, ReplicationController, DaemonSet and StatefulSet again (after a test clock moved, for instance). */
  public void resyncAll() {
    deployments.resyncAll();
    daemonSets.resyncAll();
    statefulSets.resyncAll();
    replicaSets.resyncAll();
    replicationControllers.resyncAll();
  }

  @Override
  public void close() {
    garbageCollector.close();
    daemonSets.close();
    deployments.close();
    statefulSets.close();
    replicaSets.close();
    replicationControllers.close();
    informers.forEach(Informer::close);
  }
}
