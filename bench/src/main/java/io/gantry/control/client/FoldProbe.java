package io.gantry.control.client;

import io.gantry.control.api.v1.ControlMessage;
import io.gantry.control.api.v1.Endpoint;
import io.gantry.control.api.v1.EndpointPort;
import io.gantry.control.api.v1.EndpointView;
import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ServicePort;
import io.gantry.control.api.v1.ServiceView;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

/**
 * The daemon-side apply cost, measured in process: how long {@link SnapshotFolder#fold} takes to
 * fold one push carrying one changed EndpointView into a snapshot of {@code services} services
 * and as many endpoint views. Lives in the client's package (on the benchmark's class path) to
 * reach the package-private folder the client uses; it changes nothing there.
 *
 * <p>Method: the snapshot is built by folding one push with the whole cluster, as a cold daemon
 * does. The measured pushes are decoded before timing (a daemon receives them decoded), each
 * changes one random service's endpoints (its first endpoint flips ready), and each fold starts
 * from the previous fold's snapshot, as on a real stream. An untimed warm-up of the same
 * length (at least 2000 folds) lets the JIT settle.
 *
 * <p>Not thread-safe; run on one thread.
 */
public final class FoldProbe {

  /** @param nanos one duration per measured fold; @param allocatedBytesPerFold mean allocation */
  public record Result(long[] nanos, double allocatedBytesPerFold) {
  }

  private FoldProbe() {
  }

  public static Result run(int services, int endpointsPerService, int iterations) {
    SnapshotFolder folder = new SnapshotFolder(r -> java.util.List.of());
    ControlMessage.Builder initial = ControlMessage.newBuilder().setNonce("0").setSystemVersion(1);
    for (int i = 0; i < services; i++) {
      initial.addUpserts(service(i));
    }
    for (int i = 0; i < services; i++) {
      initial.addUpserts(endpoints(i, endpointsPerService, false, 1));
    }
    DataPlaneSnapshot snapshot = folder.fold(DataPlaneSnapshot.EMPTY, initial.build()).snapshot();
    if (snapshot.size() != 2 * services) {
      throw new IllegalStateException("the probe's snapshot holds " + snapshot.size() + " resources (expected "
          + 2 * services + ")");
    }
    int pool = 4096;
    ControlMessage[] pushes = new ControlMessage[pool];
    SplittableRandom random = new SplittableRandom(42);
    boolean[] flipped = new boolean[services];
    long version = 2;
    for (int i = 0; i < pool; i++) {
      int s = random.nextInt(services);
      flipped[s] = !flipped[s];
      pushes[i] = ControlMessage.newBuilder().setNonce(Long.toString(version)).setSystemVersion(version)
          .addUpserts(endpoints(s, endpointsPerService, flipped[s], version)).build();
      version++;
    }
    // The pool repeats; every second pass through it, the flips undo themselves, so each fold changes one view.
    int warmup = Math.max(2000, iterations);
    for (int i = 0; i < warmup; i++) {
      snapshot = folder.fold(snapshot, pushes[i % pool]).snapshot();
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().threadId();
    long allocated = threads.getThreadAllocatedBytes(thread);
    long[] nanos = new long[iterations];
    int changed = 0;
    for (int i = 0; i < iterations; i++) {
      ControlMessage push = pushes[(warmup + i) % pool];
      long start = System.nanoTime();
      SnapshotFolder.Result result = folder.fold(snapshot, push);
      nanos[i] = System.nanoTime() - start;
      snapshot = result.snapshot();
      changed += result.changes().isEmpty() ? 0 : 1;
    }
    double perFold = (threads.getThreadAllocatedBytes(thread) - allocated) / (double) iterations;
    if (snapshot.size() != 2 * services || changed == 0) {
      throw new IllegalStateException("the probe's folds went wrong: " + snapshot.size() + " resources, "
          + changed + " changing folds");
    }
    return new Result(nanos, perFold);
  }

  private static Resource service(int i) {
    return Resource.newBuilder().setName(namespace(i) + "/svc-" + i).setVersion(1)
        .setService(ServiceView.newBuilder().setNamespace(namespace(i)).setName("svc-" + i).setType("ClusterIP")
            .addClusterIps("127.96." + (i / 256 % 256) + "." + (i % 256))
            .addPorts(ServicePort.newBuilder().setName("http").setProtocol("TCP").setPort(80)
                .setTargetPortNumber(8080))
            .setSessionAffinity("None").setInternalTrafficPolicy("Cluster").setExternalTrafficPolicy("Cluster")
            .setSelectorless(true))
        .build();
  }

  private static Resource endpoints(int i, int count, boolean firstNotReady, long version) {
    EndpointView.Builder view = EndpointView.newBuilder().setNamespace(namespace(i)).setServiceName("svc-" + i);
    for (int j = 0; j < count; j++) {
      long g = (long) i * count + j;
      boolean ready = j != 0 || !firstNotReady;
      view.addEndpoints(Endpoint.newBuilder()
          .setAddress("10." + (g >> 16 & 255) + "." + (g >> 8 & 255) + "." + (g & 255))
          .putPorts("http", EndpointPort.newBuilder().setPort(8080).setProtocol("TCP").build())
          .setNodeName("node-" + (g % 1000)).setReady(ready).setServing(ready));
    }
    return Resource.newBuilder().setName(namespace(i) + "/svc-" + i).setVersion(version).setEndpoints(view).build();
  }

  private static String namespace(int i) {
    return "plb-" + (i % 10);
  }
}
