package io.gantry.control.server.validation;

import static io.gantry.control.server.validation.ValidationFixtures.DNS1035_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.LABEL_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.LABEL_VALUE_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.NAME_PART_MSG;
import static io.gantry.control.server.validation.ValidationFixtures.SUBDOMAIN_MSG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NameRulesValidationTest {

  @Test
  void subdomains() {
    assertEquals(List.of(), NameRules.dns1123Subdomain("example.com"));
    assertEquals(List.of(SUBDOMAIN_MSG), NameRules.dns1123Subdomain("Example.com"));
    assertEquals(List.of("must be no more than 253 characters"), NameRules.dns1123Subdomain("a".repeat(254)));
  }

  @Test
  void labelsRejectDotsWithTheirOwnMessage() {
    assertEquals(List.of(), NameRules.dns1123Label("my-name"));
    assertEquals(List.of("must not contain dots"), NameRules.dns1123Label("my.name"));
    assertEquals(List.of(LABEL_MSG), NameRules.dns1123Label("my_name"));
    assertEquals(List.of("must be no more than 63 characters"), NameRules.dns1123Label("a".repeat(64)));
  }

  @Test
  void dns1035LabelsStartWithALetter() {
    assertEquals(List.of(), NameRules.dns1035Label("web-1"));
    assertEquals(List.of(DNS1035_MSG), NameRules.dns1035Label("1web"));
  }

  @Test
  void qualifiedNamesHaveAnOptionalPrefix() {
    assertEquals(List.of(), NameRules.qualifiedName("app.kubernetes.io/name"));
    assertEquals(List.of(), NameRules.qualifiedName("MyName"));
    assertEquals(List.of("prefix part must be non-empty"), NameRules.qualifiedName("/name"));
    assertEquals(List.of("prefix part " + SUBDOMAIN_MSG), NameRules.qualifiedName("Bad_Prefix/name"));
    assertEquals(List.of("name part must be non-empty", NAME_PART_MSG), NameRules.qualifiedName("example.com/"));
    assertEquals(List.of("name part must be no more than 63 characters"), NameRules.qualifiedName("a".repeat(64)));
    assertEquals(List.of(NAME_PART_MSG), NameRules.qualifiedName("-bad"));
    assertTrue(NameRules.qualifiedName("a/b/c").get(0).startsWith("a valid label key must consist of"));
    assertTrue(NameRules.qualifiedName("a/b/c").get(0).endsWith(
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
  }

  @Test
  void labelValues() {
    assertEquals(List.of(), NameRules.labelValue(""));
    assertEquals(List.of(), NameRules.labelValue("v1.2_x"));
    assertEquals(List.of(LABEL_VALUE_MSG), NameRules.labelValue("a b"));
    assertEquals(List.of("must be no more than 63 characters"), NameRules.labelValue("a".repeat(64)));
  }

  @Test
  void configMapKeys() {
    assertEquals(List.of(), NameRules.configMapKey("app.properties"));
    assertEquals(List.of("must not be '..'"), NameRules.configMapKey(".."));
    assertEquals(List.of("must not start with '..'"), NameRules.configMapKey("..data"));
    assertEquals(List.of("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g."
        + " 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"),
        NameRules.configMapKey("a/b"));
  }

  @Test
  void portNamesAndNumbers() {
    assertEquals(List.of(), NameRules.portName("http-alt"));
    assertEquals(List.of("must be no more than 15 characters"), NameRules.portName("a-very-long-port-name"));
    assertEquals(List.of("must contain at least one letter (a-z)"), NameRules.portName("8080"));
    assertEquals(List.of("must not contain consecutive hyphens"), NameRules.portName("a--b"));
    assertEquals(List.of("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        "must contain at least one letter (a-z)"), NameRules.portName("HTTP"));
    assertEquals(List.of("must not begin or end with a hyphen"), NameRules.portName("-http"));
    assertEquals(List.of("must be between 1 and 65535, inclusive"), NameRules.portNum(0));
    assertEquals(List.of(), NameRules.portNum(65535));
  }

  @Test
  void environmentVariableNamesAreRelaxed() {
    assertEquals(List.of(), NameRules.envVarName("1st.VAR-name"));
    assertEquals(List.of("a valid environment variable name must consist only of printable ASCII characters other"
        + " than '='"), NameRules.envVarName("A=B"));
  }

  @Test
  void ipAddressesAndCidrsParseWithoutAResolver() {
    assertNotNull(NetRules.parseIp("10.0.0.1"));
    assertNotNull(NetRules.parseIp("2001:db8::ffff"));
    assertNotNull(NetRules.parseIp("::ffff:10.1.2.3"));
    assertNotNull(NetRules.parseIp("::"));
    assertNull(NetRules.parseIp("example.com"));
    assertNull(NetRules.parseIp("256.1.1.1"));
    assertNull(NetRules.parseIp("1::2::3"));
    assertEquals(List.of(NetRules.CIDR_MSG), NetRules.cidr("10.0.0.0/33"));
    NetRules.Cidr net = NetRules.parseCidr("10.0.0.0/16");
    assertTrue(net.strictlyContains(NetRules.parseCidr("10.0.5.0/24")));
    assertTrue(!net.strictlyContains(NetRules.parseCidr("10.0.0.0/16")));
    assertTrue(!net.strictlyContains(NetRules.parseCidr("10.1.0.0/24")));
  }
}
