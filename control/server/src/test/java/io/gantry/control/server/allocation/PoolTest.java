package io.gantry.control.server.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PoolTest {

  @Test
  void cidrParsingIsStrict() {
    assertEquals("127.96.0.0/16", Ipv4Cidr.parse("127.96.0.0/16").toString());
    IllegalArgumentException host = assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("127.96.0.1/16"));
    assertEquals("CIDR: 127.96.0.1/16 (expected: the network address, 127.96.0.0/16)", host.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("fd00::/64"));
    assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("127.96.0.0/33"));
    assertEquals(-1, Ipv4Cidr.parseAddress("127.096.0.1"));
  }

  @Test
  void serviceIpsSkipNetworkAndBroadcastAndKeepALowBand() {
    Pool pool = Pool.serviceIps(Ipv4Cidr.parse("127.96.0.0/16"));
    assertEquals(65534, pool.size());
    assertEquals("127.96.0.1", pool.label(0));
    assertEquals("127.96.255.254", pool.label(pool.size() - 1));
    assertEquals(-1, pool.slotOf("127.96.0.0"));
    assertEquals(-1, pool.slotOf("127.96.255.255"));
    assertEquals(9, pool.slotOf("127.96.0.10"));
    assertEquals("/registry/allocations/serviceips/127.96.0.10", pool.key(9));
    assertEquals(256, Pool.bandOffset(65536, 16, 256, 16));
    assertEquals(0, Pool.bandOffset(8, 16, 256, 16));
    assertEquals(86, Pool.bandOffset(2768, 16, 128, 32));
  }

  @Test
  void podCidrBlocksRoundTrip() {
    Pool pool = Pool.podCidrs(Ipv4Cidr.parse("127.244.0.0/16"), 24);
    assertEquals(256, pool.size());
    assertEquals("127.244.3.0-24", pool.label(3));
    assertEquals(3, pool.slotOf("127.244.3.0-24"));
    assertEquals(-1, pool.slotOf("127.244.3.0-25"));
    assertEquals(-1, pool.slotOf("127.244.3.128-24"));
    assertThrows(IllegalArgumentException.class, () -> Pool.podCidrs(Ipv4Cidr.parse("127.244.0.0/16"), 8));
  }
}
