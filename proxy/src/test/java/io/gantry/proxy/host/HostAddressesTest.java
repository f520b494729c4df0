package io.gantry.proxy.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostAddressesTest {

  /** Trimmed {@code ip -d -j address show} of a node: loopback, a veth, the service dummy. */
  private static final String IP_OUTPUT = """
      [{"ifname":"lo","link_type":"loopback","addr_info":[
          {"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"},
          {"family":"inet6","local":"::1","prefixlen":128,"scope":"host"}]},
       {"ifname":"eth0","link_type":"ether","linkinfo":{"info_kind":"veth"},"addr_info":[
          {"family":"inet","local":"10.202.1.1","prefixlen":24,"scope":"global"},
          {"family":"inet6","local":"fd00:202::1","prefixlen":64,"scope":"global"},
          {"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link"}]},
       {"ifname":"gantry-svc","link_type":"ether","linkinfo":{"info_kind":"dummy"},"addr_info":[
          {"family":"inet","local":"10.212.0.10","prefixlen":32,"scope":"global"}]},
       {"ifname":"gantry-svc2","link_type":"ether","linkinfo":{"info_kind":"bridge"},"addr_info":[
          {"family":"inet","local":"10.212.0.11","prefixlen":32,"scope":"global"}]},
       {"ifname":"eth1","link_type":"ether","addr_info":[]}]
      """;

  @Test
  void globalAddressesOfRealInterfacesPlusLoopbackOne() throws IOException {
    assertEquals(List.of(InetAddress.getByName("10.202.1.1"), InetAddress.getByName("fd00:202::1"),
        InetAddress.getByName("127.0.0.1")), HostAddresses.parse(IP_OUTPUT, "gantry-svc2"),
        "the service interface is left out whatever its kind");
  }

  @Test
  void ipv6AddressesInDuplicateAddressDetectionWaitUntilItIsDone() throws IOException {
    assertEquals(List.of(InetAddress.getByName("fd00:208::3"), InetAddress.getByName("127.0.0.1")),
        HostAddresses.parse("""
            [{"ifname":"eth0","link_type":"ether","addr_info":[
                {"family":"inet6","local":"fd00:208::1","prefixlen":64,"scope":"global","tentative":true},
                {"family":"inet6","local":"fd00:208::2","prefixlen":64,"scope":"global","dadfailed":true,
                 "tentative":true},
                {"family":"inet6","local":"fd00:208::3","prefixlen":64,"scope":"global","optimistic":true}]}]
            """, "gantry-svc"), "nothing can bind a tentative address; an optimistic one it can");
  }

  @Test
  void somethingNotAnAddressIsAnErrorNotALookup() {
    IOException e = assertThrows(IOException.class, () -> HostAddresses.parse("""
        [{"ifname":"eth0","link_type":"ether","addr_info":[{"local":"node.example","scope":"global"}]}]
        """, "gantry-svc"));
    assertEquals("ip printed node.example where an address belongs (expected: an IP literal)", e.getMessage());
  }

  @Test
  void interfaceNamesAreChecked() {
    assertEquals("gantry-svc", DummyInterface.checkName("gantry-svc"));
    assertThrows(IllegalArgumentException.class, () -> DummyInterface.checkName("a-name-longer-than-15"));
    assertThrows(IllegalArgumentException.class, () -> DummyInterface.checkName("eth0; reboot"));
  }
}
