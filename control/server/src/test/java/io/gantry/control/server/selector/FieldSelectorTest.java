package io.gantry.control.server.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {

  private static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) Json.YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final ObjectNode SCHEDULED = yaml("metadata: {name: web-0, namespace: shop}\n"
      + "spec: {nodeName: node-1, restartPolicy: Always}\nstatus: {phase: Running, podIPs: [{ip: 10.244.1.5}]}");
  private static final ObjectNode PENDING = yaml("metadata: {name: web-1, namespace: shop}\n"
      + "spec: {restartPolicy: Always}\nstatus: {phase: Pending}");
  private static final ObjectNode EVENT = yaml("""
      metadata: {name: web-0.17a, namespace: shop}
      involvedObject: {kind: Pod, name: web-0, namespace: shop, uid: 1234, apiVersion: v1, fieldPath: "spec.containers{web}"}
      reason: Scheduled
      type: Normal
      source: {component: default-scheduler}
      """);

  @Test
  void podsByNodeName() {
    FieldSelector onNode = FieldSelector.parse("spec.nodeName=node-1");
    assertTrue(onNode.matches(SCHEDULED));
    assertFalse(onNode.matches(PENDING));
    FieldSelector unscheduled = FieldSelector.parse("spec.nodeName=");
    assertTrue(unscheduled.matches(PENDING));
    assertFalse(unscheduled.matches(SCHEDULED));
    assertTrue(FieldSelector.parse("spec.nodeName!=").matches(SCHEDULED));
    assertEquals(Optional.empty(), onNode.unsupportedField(ResourceTypes.PODS));
  }

  @Test
  void operatorsAndConjunction() {
    assertTrue(FieldSelector.parse("metadata.name==web-0,status.phase=Running").matches(SCHEDULED));
    assertFalse(FieldSelector.parse("metadata.name=web-0,status.phase!=Running").matches(SCHEDULED));
    assertTrue(FieldSelector.parse("metadata.namespace=shop").matches(PENDING));
    assertTrue(FieldSelector.parse("status.podIP=10.244.1.5").matches(SCHEDULED));
    assertTrue(FieldSelector.parse("spec.hostNetwork=false").matches(SCHEDULED));
    assertTrue(FieldSelector.parse("").isEmpty());
    assertTrue(FieldSelector.parse("").matches(SCHEDULED));
  }

  @Test
  void eventsByInvolvedObject() {
    assertTrue(FieldSelector.parse("involvedObject.kind=Pod,involvedObject.name=web-0,involvedObject.namespace=shop")
        .matches(EVENT));
    assertTrue(FieldSelector.parse("involvedObject.uid=1234,involvedObject.fieldPath=spec.containers{web}")
        .matches(EVENT));
    assertTrue(FieldSelector.parse("source=default-scheduler,reason=Scheduled,type=Normal").matches(EVENT));
    assertFalse(FieldSelector.parse("involvedObject.name=web-1").matches(EVENT));
    assertEquals(Optional.empty(), FieldSelector.parse("involvedObject.resourceVersion=,reportingComponent=")
        .unsupportedField(ResourceTypes.EVENTS));
  }

  @Test
  void unsupportedFieldsPerKind() {
    assertEquals(Optional.of("field label not supported: spec.foo"),
        FieldSelector.parse("metadata.name=a,spec.foo=b").unsupportedField(ResourceTypes.PODS));
    assertEquals(Optional.of("field label not supported: spec.nodeName"),
        FieldSelector.parse("spec.nodeName=a").unsupportedField(ResourceTypes.SERVICES));
    // a kind without a conversion function of its own: DefaultMetaV1FieldSelectorConversion's words
    assertEquals(Optional.of("\"data.k\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""),
        FieldSelector.parse("data.k=v").unsupportedField(ResourceTypes.CONFIGMAPS));
    assertEquals(Optional.empty(), FieldSelector.parse("type=kubernetes.io/tls").unsupportedField(ResourceTypes.SECRETS));
    assertEquals(Optional.empty(), FieldSelector.parse("spec.unschedulable=false").unsupportedField(ResourceTypes.NODES));
    assertEquals(Optional.empty(), FieldSelector.parse("status.phase=Active").unsupportedField(ResourceTypes.NAMESPACES));
    assertEquals(Optional.empty(), FieldSelector.parse("status.replicas=0").unsupportedField(ResourceTypes.REPLICASETS));
    assertEquals(Optional.empty(),
        FieldSelector.parse("spec.clusterIP!=None,spec.type=ClusterIP").unsupportedField(ResourceTypes.SERVICES));
  }

  @Test
  void servicesSelectByClusterIpAndType() {
    FieldSelector notHeadless = FieldSelector.parse("spec.clusterIP!=None");
    assertTrue(notHeadless.matches(yaml("metadata: {name: a}\nspec: {clusterIP: 10.96.0.7, type: ClusterIP}")));
    assertFalse(notHeadless.matches(yaml("metadata: {name: b}\nspec: {clusterIP: None, type: ClusterIP}")));
    assertTrue(FieldSelector.parse("spec.type=NodePort").matches(yaml("metadata: {name: c}\nspec: {type: NodePort}")));
  }

  @Test
  void derivedValuesDefaultLikeGoZeroValues() {
    assertTrue(FieldSelector.parse("spec.unschedulable=false").matches(yaml("metadata: {name: n}")));
    assertTrue(FieldSelector.parse("status.replicas=0").matches(yaml("metadata: {name: rs}")));
    assertTrue(FieldSelector.parse("source=kubelet").matches(yaml("reportingComponent: kubelet")));
  }

  @Test
  void syntaxErrors() {
    assertEquals("invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'",
        assertThrows(IllegalArgumentException.class, () -> FieldSelector.parse("spec.nodeName")).getMessage());
    assertEquals("invalid field selector: invalid escape sequence: \\x",
        assertThrows(IllegalArgumentException.class, () -> FieldSelector.parse("a=\\x")).getMessage());
  }

  @Test
  void escapedValuesAndCanonicalText() {
    FieldSelector s = FieldSelector.parse("metadata.name=a\\,b,metadata.namespace!=x");
    assertTrue(s.matches(yaml("metadata: {name: \"a,b\", namespace: y}")));
    assertEquals("metadata.name=a\\,b,metadata.namespace!=x", s.toString());
  }
}
