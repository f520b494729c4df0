package io.gantry.node.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceEnvTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode service(String namespace, String name, String clusterIp, String ports) throws Exception {
    return JSON.readTree("{\"metadata\":{\"namespace\":\"" + namespace + "\",\"name\":\"" + name + "\"},"
        + "\"spec\":{\"clusterIP\":\"" + clusterIp + "\",\"ports\":" + ports + "}}");
  }

  @Test
  void makesTheDockerLinkVariablesOfEnvvarsGo() throws Exception {
    JsonNode svc = service("ns", "foo-bar", "1.2.3.4",
        "[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"},{\"name\":\"dns-udp\",\"port\":53,\"protocol\":\"UDP\"}]");
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("FOO_BAR_SERVICE_HOST", "1.2.3.4");
    expected.put("FOO_BAR_SERVICE_PORT", "8080");
    expected.put("FOO_BAR_SERVICE_PORT_HTTP", "8080");
    expected.put("FOO_BAR_SERVICE_PORT_DNS_UDP", "53");
    expected.put("FOO_BAR_PORT", "tcp://1.2.3.4:8080");
    expected.put("FOO_BAR_PORT_8080_TCP", "tcp://1.2.3.4:8080");
    expected.put("FOO_BAR_PORT_8080_TCP_PROTO", "tcp");
    expected.put("FOO_BAR_PORT_8080_TCP_PORT", "8080");
    expected.put("FOO_BAR_PORT_8080_TCP_ADDR", "1.2.3.4");
    expected.put("FOO_BAR_PORT_53_UDP", "udp://1.2.3.4:53");
    expected.put("FOO_BAR_PORT_53_UDP_PROTO", "udp");
    expected.put("FOO_BAR_PORT_53_UDP_PORT", "53");
    expected.put("FOO_BAR_PORT_53_UDP_ADDR", "1.2.3.4");
    assertEquals(expected, ServiceEnv.of(List.of(svc), "ns", true));
  }

  @Test
  void anUnnamedPortDefaultsToTcpAndIpv6AddressesAreBracketed() throws Exception {
    Map<String, String> env = ServiceEnv.of(List.of(service("ns", "v6", "fd00::1", "[{\"port\":80}]")), "ns", true);
    assertEquals("tcp://[fd00::1]:80", env.get("V6_PORT"));
    assertEquals("fd00::1", env.get("V6_PORT_80_TCP_ADDR"));
    assertEquals(7, env.size(), env.toString());
  }

  @Test
  void theMasterServiceAlwaysOtherNamespacesNeverHeadlessNeverLinksOnlyWhenEnabled() throws Exception {
    List<JsonNode> services = List.of(
        service("default", "kubernetes", "10.96.0.1", "[{\"name\":\"https\",\"port\":443}]"),
        service("default", "other", "10.96.0.2", "[{\"port\":80}]"),
        service("ns", "web", "10.96.0.3", "[{\"port\":80}]"),
        service("ns", "headless", "None", "[{\"port\":80}]"),
        service("ns", "external", "", "[]"));
    Map<String, String> env = ServiceEnv.of(services, "ns", true);
    assertEquals("10.96.0.1", env.get("KUBERNETES_SERVICE_HOST"));
    assertEquals("443", env.get("KUBERNETES_SERVICE_PORT_HTTPS"));
    assertEquals("10.96.0.3", env.get("WEB_SERVICE_HOST"));
    assertEquals(null, env.get("OTHER_SERVICE_HOST"));
    assertEquals(null, env.get("HEADLESS_SERVICE_HOST"));
    assertEquals(null, env.get("EXTERNAL_SERVICE_HOST"));

    Map<String, String> off = ServiceEnv.of(services, "ns", false);
    assertEquals("10.96.0.1", off.get("KUBERNETES_SERVICE_HOST"));
    assertEquals(null, off.get("WEB_SERVICE_HOST"));

    // in default, with links, every service of default; without, the master service only
    assertEquals("10.96.0.2", ServiceEnv.of(services, "default", true).get("OTHER_SERVICE_HOST"));
    assertEquals(null, ServiceEnv.of(services, "default", false).get("OTHER_SERVICE_HOST"));
  }

  @Test
  void aServiceOfThePodsNamespaceNamedKubernetesWinsOverTheMasterService() throws Exception {
    JsonNode master = service("default", "kubernetes", "10.96.0.1", "[{\"port\":443}]");
    JsonNode own = service("ns", "kubernetes", "10.96.0.9", "[{\"port\":443}]");
    assertEquals("10.96.0.9", ServiceEnv.of(List.of(master, own), "ns", true).get("KUBERNETES_SERVICE_HOST"));
    assertEquals("10.96.0.9", ServiceEnv.of(List.of(own, master), "ns", true).get("KUBERNETES_SERVICE_HOST"));
    assertEquals("10.96.0.1", ServiceEnv.of(List.of(own, master), "ns", false).get("KUBERNETES_SERVICE_HOST"));
  }
}
