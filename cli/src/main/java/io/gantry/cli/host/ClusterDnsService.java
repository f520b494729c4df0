package io.gantry.cli.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.node.api.ApiException;
import io.gantry.node.api.KubeClient;
import java.io.IOException;

/**
 * The cluster DNS as pods see it: Service {@code kube-system/kube-dns} at {@link HostPlan#CLUSTER_DNS}
 * port 53 (UDP and TCP), with a hand-managed EndpointSlice pointing at the DNS daemon on the
 * gateway address, so a pod's resolv.conf reaches it through the service proxy like any Service.
 */
public final class ClusterDnsService {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ClusterDnsService() {
  }

  /** Creates (or replaces) the Service and its EndpointSlice for a DNS daemon on {@code gateway:dnsPort}. */
  public static void ensure(KubeClient api, String gateway, int dnsPort) throws IOException {
    JsonNode service = JSON.readTree("""
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kube-dns", "namespace": "kube-system",
                      "labels": {"k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS"}},
         "spec": {"clusterIP": "%s",
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": %d},
                            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": %d}]}}
        """.formatted(HostPlan.CLUSTER_DNS, dnsPort, dnsPort));
    JsonNode slice = JSON.readTree("""
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": {"name": "kube-dns-gantry", "namespace": "kube-system",
                      "labels": {"kubernetes.io/service-name": "kube-dns",
                                 "endpointslice.kubernetes.io/managed-by": "gantry-up"}},
         "addressType": "IPv4",
         "endpoints": [{"addresses": ["%s"], "conditions": {"ready": true, "serving": true, "terminating": false}}],
         "ports": [{"name": "dns", "port": %d, "protocol": "UDP"}, {"name": "dns-tcp", "port": %d, "protocol": "TCP"}]}
        """.formatted(gateway, dnsPort, dnsPort));
    createOrKeep(api, "/api/v1/namespaces/kube-system/services", service);
    replace(api, "/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices", "kube-dns-gantry", slice);
  }

  /**
   * Creates the object unless one of its name exists (a restart with the same data dir). Asked first:
   * a create of a Service that exists with the same fixed clusterIP fails on the address (422, as
   * kube-apiserver allocates before it stores) rather than on the name.
   */
  private static void createOrKeep(KubeClient api, String collection, JsonNode object) throws IOException {
    try {
      api.get(collection + "/" + object.path("metadata").path("name").asText());
      return;
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
    try {
      api.create(collection, object);
    } catch (ApiException e) {
      if (e.code() != 409) {
        throw e;
      }
    }
  }

  /** The slice carries the DNS port of this run, which may differ from the last one. */
  private static void replace(KubeClient api, String collection, String name, JsonNode object) throws IOException {
    try {
      api.delete(collection + "/" + name, null);
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
    api.create(collection, object);
  }
}
