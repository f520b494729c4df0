package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Ingresses and IngressClasses. */
class IngressTableTest {

  private static List<Object> ingress(String json) {
    return IngressColumns.INSTANCE.cells(object(json), NOW);
  }

  @Test
  void ingressWithTls() {
    assertEquals(List.of("shop", "nginx", "shop.example.com,api.example.com", "172.18.0.10", "80, 443", "2d"),
        ingress("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
             "metadata": {"name": "shop", "namespace": "default", "creationTimestamp": "2024-04-29T12:00:00Z"},
             "spec": {"ingressClassName": "nginx",
               "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
               "rules": [{"host": "shop.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                           "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}},
                         {"host": "api.example.com"}]},
             "status": {"loadBalancer": {"ingress": [{"ip": "172.18.0.10"}]}}}
            """));
  }

  @Test
  void ingressWithoutClassHostsOrAddress() {
    assertEquals(List.of("catch-all", "<none>", "*", "", "80"), ingress("""
        {"metadata": {"name": "catch-all"},
         "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}, "rules": [{"http": {"paths": []}}]}}
        """).subList(0, 5));
  }

  @Test
  void moreThanThreeHosts() {
    // Upstream shows three hosts and counts the remaining rules (host or not).
    assertEquals("a.example,b.example,c.example + 2 more...", ingress("""
        {"metadata": {"name": "many"},
         "spec": {"rules": [{"host": "a.example"}, {"host": "b.example"}, {"host": "c.example"}, {"host": "d.example"}, {}]}}
        """).get(2));
  }

  @Test
  void ingressClass() {
    assertEquals(List.of("nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb", "7d"),
        IngressClassColumns.INSTANCE.cells(object("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
             "metadata": {"name": "nginx", "creationTimestamp": "2024-04-24T12:00:00Z"},
             "spec": {"controller": "k8s.io/ingress-nginx",
                      "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}}}
            """), NOW));
    assertEquals("<none>", IngressClassColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "plain"}, "spec": {"controller": "example.com/ingress"}}
        """), NOW).get(2));
    assertEquals("ConfigMap/params", IngressClassColumns.INSTANCE.cells(object("""
        {"metadata": {"name": "core"}, "spec": {"controller": "c", "parameters": {"kind": "ConfigMap", "name": "params"}}}
        """), NOW).get(2));
  }
}
