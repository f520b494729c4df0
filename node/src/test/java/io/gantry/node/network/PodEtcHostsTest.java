package io.gantry.node.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/** The kubelet's managed /etc/hosts (e2e "KubeletManagedEtcHosts" and "HostAliases"). */
class PodEtcHostsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String HEAD = """
      # Kubernetes-managed hosts file.
      127.0.0.1\tlocalhost
      ::1\tlocalhost ip6-localhost ip6-loopback
      fe00::0\tip6-localnet
      fe00::0\tip6-mcastprefix
      fe00::1\tip6-allnodes
      fe00::2\tip6-allrouters
      """;

  private static PodEtcHosts of(String pod) throws Exception {
    JsonNode node = YAML.readTree(pod);
    return PodEtcHosts.of(node);
  }

  @Test
  void thePodsAddressUnderItsNameThenItsAliases() throws Exception {
    PodEtcHosts hosts = of("""
        metadata: {name: web-1}
        spec:
          hostAliases:
          - {ip: 123.45.67.89, hostnames: [foo.local, bar.local]}
          - {ip: 10.1.2.3, hostnames: [foo.remote]}
        """);
    assertEquals(HEAD + "10.244.0.7\tweb-1\n\n# Entries added by HostAliases.\n123.45.67.89\tfoo.local\tbar.local\n"
        + "10.1.2.3\tfoo.remote\n", hosts.managed("10.244.0.7", "demo", "cluster.local"));
  }

  @Test
  void aSubdomainGivesTheFullyQualifiedName() throws Exception {
    assertEquals(HEAD + "10.244.0.8\tdb-0.db.demo.svc.cluster.local\tdb-0\n",
        of("{metadata: {name: ignored}, spec: {hostname: db-0, subdomain: db}}")
            .managed("10.244.0.8", "demo", "cluster.local"));
  }

  @Test
  void aLongPodNameIsCutTo63Characters() throws Exception {
    String name = "a".repeat(62) + "-bbbb";
    assertEquals("a".repeat(62), of("{metadata: {name: " + name + "}}").hostname());
  }

  @Test
  void aHostNetworkPodGetsTheNodesFileAndItsAliases() throws Exception {
    assertEquals("# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n\n"
        + "# Entries added by HostAliases.\n1.2.3.4\tx.local\n",
        of("{metadata: {name: h}, spec: {hostNetwork: true, hostAliases: [{ip: 1.2.3.4, hostnames: [x.local]}]}}")
            .hostNetwork("127.0.0.1 localhost\n"));
  }
}
