package io.gantry.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.node.api.ApiException;
import io.gantry.node.api.KubeClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes pod statuses to the API ({@code PATCH .../pods/{name}/status}, a strategic merge patch of
 * the whole {@code status}, so that conditions other controllers own, such as readiness gates,
 * stay as they set them), as the kubelet's status manager: only the latest status of a pod is kept, an
 * unchanged status is not written again, and a failed write is retried with the newest status.
 *
 * <p>Concurrency: {@link #offer} from the pod loop; one virtual thread writes, and
 * {@link #writeNow} from a pod's deletion thread.
 */
final class StatusWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);

  private record Pending(String namespace, String name, JsonNode status) {}

  private final KubeClient api;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> written = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
  /** Held by a write: the writer thread's and {@link #writeNow}'s reach the API one after the other. */
  private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
  private final Thread thread;
  private volatile boolean closed;

  StatusWriter(KubeClient api, String nodeName) {
    this.api = api;
    this.thread = Thread.ofVirtual().name("node-" + nodeName + "-status").start(this::run);
  }

  void offer(String uid, String namespace, String name, JsonNode status) {
    if (status.equals(written.get(uid))) {
      pending.remove(uid);
      return;
    }
    if (pending.put(uid, new Pending(namespace, name, status)) == null) {
      queue.add(uid);
    }
  }

  /**
   * The API's copy of the pod's status no longer says what this agent wrote (the node lifecycle
   * controller marked the pod not ready while the node was unreachable): it is written again, as
   * the kubelet's status manager reconciles, since the agent is the source of truth of its pods.
   */
  void reconcile(String uid, String namespace, String name, JsonNode status) {
    written.remove(uid);
    offer(uid, namespace, name, status);
  }

  void forget(String uid) {
    pending.remove(uid);
    written.remove(uid);
  }

  private void run() {
    while (!closed) {
      String uid;
      try {
        uid = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      Pending p = pending.remove(uid);
      if (p == null || p.status.equals(written.get(uid))) {
        continue;
      }
      try {
        write(uid, p);
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409 && !closed) {
          log.warn("pod {}/{}: status write failed: {}", p.namespace, p.name, e.getMessage());
          retry(uid, p);
        }
      } catch (IOException e) {
        if (!closed) {
          log.warn("pod {}/{}: status write failed: {}", p.namespace, p.name, e.toString());
          retry(uid, p);
        }
      }
    }
  }

  /**
   * Writes a pod's last status now, from the caller's thread, after any write under way: the
   * terminal status that must be in the API before the pod object is deleted.
   */
  void writeNow(String uid, String namespace, String name, JsonNode status) throws ApiException, IOException {
    pending.remove(uid);
    if (!status.equals(written.get(uid))) {
      write(uid, new Pending(namespace, name, status));
    }
  }

  private void write(String uid, Pending p) throws ApiException, IOException {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    ObjectNode status = p.status.deepCopy();
    for (JsonNode condition : status.path("conditions")) {
      // merged by type into the stored ones: what this condition no longer says is removed
      for (String field : new String[] {"reason", "message"}) {
        if (!condition.has(field)) {
          ((ObjectNode) condition).putNull(field);
        }
      }
    }
    patch.set("status", status);
    writing.lock();
    try {
      api.strategicMergePatch("/api/v1/namespaces/" + p.namespace + "/pods/" + p.name + "/status", patch);
      written.put(uid, p.status);
    } finally {
      writing.unlock();
    }
  }

  private void retry(String uid, Pending p) {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (pending.putIfAbsent(uid, p) == null) {
      queue.add(uid);
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
