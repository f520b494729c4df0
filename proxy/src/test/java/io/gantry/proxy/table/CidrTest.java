package io.gantry.proxy.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void containsByPrefix() throws Exception {
    Cidr c = Cidr.parse("127.244.3.9/16");
    assertEquals("127.244.0.0/16", c.toString());
    assertTrue(c.contains(ip("127.244.255.1")));
    assertFalse(c.contains(ip("127.245.0.1")));
    assertFalse(c.contains(ip("::1")));
    Cidr odd = Cidr.parse("10.0.0.0/9");
    assertTrue(odd.contains(ip("10.127.0.1")));
    assertFalse(odd.contains(ip("10.128.0.1")));
    Cidr v6 = Cidr.parse("fd00:10::/64");
    assertTrue(v6.contains(ip("fd00:10::5")));
    assertFalse(v6.contains(ip("fd00:11::5")));
    assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8")));
    assertTrue(Cidr.parse("1.2.3.4").contains(ip("1.2.3.4")));
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("pods.example/16"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x"));
  }
}
