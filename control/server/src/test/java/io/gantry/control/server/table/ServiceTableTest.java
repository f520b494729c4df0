package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.NOW;
import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceTableTest {

  private static List<Object> cells(String json) {
    return ServiceColumns.INSTANCE.cells(object(json), NOW);
  }

  @Test
  void columns() {
    assertEquals(List.of("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"),
        ServiceColumns.INSTANCE.columns().stream().map(Column::name).toList());
    assertEquals(1, ServiceColumns.INSTANCE.columns().get(6).priority());
  }

  @Test
  void nodePortService() {
    assertEquals(List.of("web", "NodePort", "10.96.12.34", "<none>", "80:30080/TCP", "45s", "app=web,tier=frontend"),
        cells("""
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2024-05-01T11:59:15Z"},
             "spec": {"type": "NodePort", "clusterIP": "10.96.12.34", "clusterIPs": ["10.96.12.34"],
                      "selector": {"tier": "frontend", "app": "web"},
                      "ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080, "nodePort": 30080}]}}
            """));
  }

  @Test
  void clusterIpServiceWithSeveralPortsAndNoSelector() {
    assertEquals(List.of("dns", "ClusterIP", "10.96.0.10", "<none>", "53/UDP,53/TCP,9153/TCP", "12d", "<none>"),
        cells("""
            {"metadata": {"name": "dns", "creationTimestamp": "2024-04-19T09:00:00Z"},
             "spec": {"type": "ClusterIP", "clusterIPs": ["10.96.0.10"],
                      "ports": [{"name": "dns", "protocol": "UDP", "port": 53}, {"name": "dns-tcp", "protocol": "TCP", "port": 53},
                                {"name": "metrics", "port": 9153}]}}
            """));
  }

  @Test
  void pendingLoadBalancer() {
    assertEquals(List.of("lb", "LoadBalancer", "10.96.7.7", "<pending>", "443:31443/TCP"),
        cells("""
            {"metadata": {"name": "lb", "creationTimestamp": "2024-05-01T11:00:00Z"},
             "spec": {"type": "LoadBalancer", "clusterIP": "10.96.7.7",
                      "ports": [{"port": 443, "protocol": "TCP", "nodePort": 31443}]},
             "status": {"loadBalancer": {}}}
            """).subList(0, 5));
  }

  @Test
  void loadBalancerWithIngressAndExternalIps() {
    // Ingress entries are de-duplicated and sorted, hostnames stand in for missing IPs, then spec.externalIPs follow.
    assertEquals("203.0.113.9,lb.example.com,198.51.100.1", cells("""
        {"metadata": {"name": "lb"},
         "spec": {"type": "LoadBalancer", "clusterIP": "10.96.7.7", "externalIPs": ["198.51.100.1"]},
         "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}, {"hostname": "lb.example.com"}, {"ip": "203.0.113.9"}]}}}
        """).get(3));
    assertEquals("a-long-hostname.elb.example.com", cells("""
        {"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer"},
         "status": {"loadBalancer": {"ingress": [{"hostname": "a-long-hostname.elb.example.com"}]}}}
        """).get(3));
  }

  @Test
  void externalNameHeadlessAndDefaults() {
    assertEquals(List.of("ext", "ExternalName", "<none>", "db.example.com", "<none>"), cells("""
        {"metadata": {"name": "ext"}, "spec": {"type": "ExternalName", "externalName": "db.example.com"}}
        """).subList(0, 5));
    assertEquals(List.of("headless", "ClusterIP", "None", "<none>", "5432/TCP"), cells("""
        {"metadata": {"name": "headless"}, "spec": {"clusterIP": "None", "ports": [{"port": 5432}]}}
        """).subList(0, 5));
    assertEquals("192.0.2.1,192.0.2.2", cells("""
        {"metadata": {"name": "x"}, "spec": {"type": "ClusterIP", "externalIPs": ["192.0.2.1", "192.0.2.2"]}}
        """).get(3));
  }
}
