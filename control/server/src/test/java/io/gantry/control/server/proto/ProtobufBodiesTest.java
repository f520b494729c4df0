package io.gantry.control.server.proto;

import static io.gantry.control.server.proto.ProtobufFixtures.body;
import static io.gantry.control.server.proto.ProtobufFixtures.goMeta;
import static io.gantry.control.server.proto.ProtobufFixtures.json;
import static io.gantry.control.server.proto.ProtobufFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V2Autoscaling;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Objects built with the generated builders the way Go marshals them, decoded to JSON. */
class ProtobufBodiesTest {

  private static final long JAN_1_2024 = 1_704_067_200L;

  @Test
  void namespaceBuiltLikeGoIsByteForByteWhatKubectlSends() throws Exception {
    V1.Namespace namespace = V1.Namespace.newBuilder()
        .setMetadata(goMeta("foo"))
        .setSpec(V1.NamespaceSpec.getDefaultInstance())
        .setStatus(V1.NamespaceStatus.newBuilder().setPhase(""))
        .build();

    byte[] body = body("v1", "Namespace", namespace);

    assertArrayEquals(resource("namespace.pb"), body);
    assertEquals(
        json("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'foo'},'spec':{},"
            + "'status':{}}"),
        ProtobufBodies.decode(body));
  }

  @Test
  void kubectlCreateTokensRequestKeepsItsExpirationAndAudiences() throws Exception {
    V1Authentication.TokenRequest request = V1Authentication.TokenRequest.newBuilder()
        .setMetadata(Meta.ObjectMeta.getDefaultInstance())
        .setSpec(V1Authentication.TokenRequestSpec.newBuilder().addAudiences("vault").setExpirationSeconds(600))
        .setStatus(V1Authentication.TokenRequestStatus.newBuilder().setToken(""))
        .build();

    ObjectNode decoded = ProtobufBodies.decode(body("authentication.k8s.io/v1", "TokenRequest", request));

    assertEquals("TokenRequest", decoded.path("kind").asText());
    assertEquals(json("{'audiences':['vault'],'expirationSeconds':600}"), decoded.get("spec"));
  }

  @Test
  void clientGosTokenReviewKeepsItsToken() throws Exception {
    V1Authentication.TokenReview review = V1Authentication.TokenReview.newBuilder()
        .setMetadata(Meta.ObjectMeta.getDefaultInstance())
        .setSpec(V1Authentication.TokenReviewSpec.newBuilder().setToken("a.b.c"))
        .setStatus(V1Authentication.TokenReviewStatus.getDefaultInstance())
        .build();

    ObjectNode decoded = ProtobufBodies.decode(body("authentication.k8s.io/v1", "TokenReview", review));

    assertEquals(json("{'token':'a.b.c'}"), decoded.get("spec"));
  }

  @Test
  void kubectlAutoscalesV1HpaKeepsItsBoundsAndCpuTarget() throws Exception {
    // as kubectl 1.32's autoscale marshals it: every non-pointer scalar written, zero or not
    V1Autoscaling.HorizontalPodAutoscaler hpa = V1Autoscaling.HorizontalPodAutoscaler.newBuilder()
        .setMetadata(goMeta("web"))
        .setSpec(V1Autoscaling.HorizontalPodAutoscalerSpec.newBuilder()
            .setScaleTargetRef(V1Autoscaling.CrossVersionObjectReference.newBuilder()
                .setKind("Deployment").setName("web").setApiVersion("apps/v1"))
            .setMinReplicas(2).setMaxReplicas(5).setTargetCPUUtilizationPercentage(80))
        .setStatus(V1Autoscaling.HorizontalPodAutoscalerStatus.newBuilder().setCurrentReplicas(0).setDesiredReplicas(0))
        .build();

    assertEquals(
        json("{'apiVersion':'autoscaling/v1','kind':'HorizontalPodAutoscaler','metadata':{'name':'web'},"
            + "'spec':{'scaleTargetRef':{'kind':'Deployment','name':'web','apiVersion':'apps/v1'},"
            + "'minReplicas':2,'maxReplicas':5,'targetCPUUtilizationPercentage':80},'status':{}}"),
        ProtobufBodies.decode(body("autoscaling/v1", "HorizontalPodAutoscaler", hpa)));
  }

  @Test
  void v2HpaKeepsAnExplicitZeroStabilizationWindow() throws Exception {
    V2Autoscaling.HorizontalPodAutoscaler hpa = V2Autoscaling.HorizontalPodAutoscaler.newBuilder()
        .setMetadata(goMeta("web"))
        .setSpec(V2Autoscaling.HorizontalPodAutoscalerSpec.newBuilder()
            .setScaleTargetRef(V2Autoscaling.CrossVersionObjectReference.newBuilder()
                .setKind("Deployment").setName("web").setApiVersion("apps/v1"))
            .setMaxReplicas(3)
            .setBehavior(V2Autoscaling.HorizontalPodAutoscalerBehavior.newBuilder()
                .setScaleUp(V2Autoscaling.HPAScalingRules.newBuilder().setStabilizationWindowSeconds(0))))
        .build();

    ObjectNode decoded = ProtobufBodies.decode(body("autoscaling/v2", "HorizontalPodAutoscaler", hpa));

    assertEquals(json("{'scaleUp':{'stabilizationWindowSeconds':0}}"), decoded.at("/spec/behavior"));
  }

  @Test
  void configMapDataAndBinaryDataAndEmptyLabelValues() throws Exception {
    V1.ConfigMap configMap = V1.ConfigMap.newBuilder()
        .setMetadata(goMeta("cm").putLabels("flag", "").putAnnotations("note", "x"))
        .putData("a", "b")
        .putData("empty", "")
        .putBinaryData("blob", ByteString.copyFrom(new byte[] {0, 1, (byte) 0xff, (byte) 0xfe}))
        .build();

    assertEquals(
        json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'cm',"
            + "'labels':{'flag':''},'annotations':{'note':'x'}},"
            + "'data':{'a':'b','empty':''},'binaryData':{'blob':'AAH//g=='}}"),
        ProtobufBodies.decode(body("v1", "ConfigMap", configMap)));
  }

  @Test
  void secretDataIsBase64AndEmptyTypeIsLeftOut() throws Exception {
    V1.Secret secret = V1.Secret.newBuilder()
        .setMetadata(goMeta("s"))
        .putData("password", ByteString.copyFrom("hunter2", StandardCharsets.UTF_8))
        .setType("")
        .build();

    assertEquals(
        json("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},"
            + "'data':{'password':'aHVudGVyMg=='}}"),
        ProtobufBodies.decode(body("v1", "Secret", secret)));
  }

  @Test
  void deploymentLikeKubectlCreateDeployment() throws Exception {
    V1.PodTemplateSpec template = V1.PodTemplateSpec.newBuilder()
        .setMetadata(goMeta("").putLabels("app", "web"))
        .setSpec(V1.PodSpec.newBuilder()
            .addContainers(V1.Container.newBuilder()
                .setName("nginx").setImage("nginx").setWorkingDir("").setTerminationMessagePath("")
                .setImagePullPolicy("").setStdin(false).setTty(false)
                .addPorts(V1.ContainerPort.newBuilder().setName("").setHostPort(0)
                    .setContainerPort(80).setProtocol("").setHostIP(""))
                .setResources(V1.ResourceRequirements.getDefaultInstance()))
            .setRestartPolicy("").setDnsPolicy("").setHostNetwork(false))
        .build();
    V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
        .setMetadata(goMeta("web").putLabels("app", "web"))
        .setSpec(V1Apps.DeploymentSpec.newBuilder()
            .setReplicas(2)
            .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "web"))
            .setTemplate(template)
            .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType(""))
            .setMinReadySeconds(0)
            .setPaused(false))
        .setStatus(V1Apps.DeploymentStatus.newBuilder().setObservedGeneration(0).setReplicas(0))
        .build();

    assertEquals(
        json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web',"
            + "'labels':{'app':'web'}},'spec':{'replicas':2,'selector':{'matchLabels':"
            + "{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},'spec':"
            + "{'containers':[{'name':'nginx','image':'nginx','ports':[{'containerPort':80}],"
            + "'resources':{}}]}},'strategy':{}},'status':{}}"),
        ProtobufBodies.decode(body("apps/v1", "Deployment", deployment)));
  }

  @Test
  void nodePortServiceWithIntTargetPort() throws Exception {
    V1.Service service = V1.Service.newBuilder()
        .setMetadata(goMeta("web").putLabels("app", "web"))
        .setSpec(V1.ServiceSpec.newBuilder()
            .addPorts(V1.ServicePort.newBuilder()
                .setName("80-8080").setProtocol("TCP").setPort(80).setNodePort(0)
                .setTargetPort(IntStr.IntOrString.newBuilder().setType(0).setIntVal(8080)
                    .setStrVal("")))
            .putSelector("app", "web")
            .setClusterIP("")
            .setType("NodePort"))
        .setStatus(V1.ServiceStatus.newBuilder()
            .setLoadBalancer(V1.LoadBalancerStatus.getDefaultInstance()))
        .build();

    assertEquals(
        json("{'apiVersion':'v1','kind':'Service','metadata':{'name':'web',"
            + "'labels':{'app':'web'}},'spec':{'ports':[{'name':'80-8080','protocol':'TCP',"
            + "'port':80,'targetPort':8080}],'selector':{'app':'web'},'type':'NodePort'},"
            + "'status':{'loadBalancer':{}}}"),
        ProtobufBodies.decode(body("v1", "Service", service)));
  }

  @Test
  void timesManagedFieldsAndPointerZeros() throws Exception {
    V1.Pod pod = V1.Pod.newBuilder()
        .setMetadata(goMeta("p")
            .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(JAN_1_2024).setNanos(0))
            // Go's Time ignores nanos from protobuf: JSON has whole seconds.
            .setDeletionTimestamp(Meta.Time.newBuilder().setSeconds(JAN_1_2024 + 61)
                .setNanos(999_999_999))
            .setDeletionGracePeriodSeconds(0)
            .addManagedFields(Meta.ManagedFieldsEntry.newBuilder()
                .setManager("kubectl").setOperation("Update").setApiVersion("v1")
                .setTime(Meta.Time.newBuilder().setSeconds(0).setNanos(0))
                .setFieldsType("FieldsV1")
                .setFieldsV1(Meta.FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8(
                    "{\"f:metadata\":{\"f:labels\":{}}}")))
                .setSubresource("")))
        .setSpec(V1.PodSpec.newBuilder()
            .setTerminationGracePeriodSeconds(0)
            .setAutomountServiceAccountToken(false)
            .setPriority(0)
            .setHostNetwork(false)
            .setSecurityContext(V1.PodSecurityContext.newBuilder().setRunAsUser(0))
            .addContainers(V1.Container.newBuilder()
                .setName("c")
                .setLivenessProbe(V1.Probe.newBuilder()
                    .setHandler(V1.ProbeHandler.newBuilder().setHttpGet(
                        V1.HTTPGetAction.newBuilder().setPath("/healthz").setPort(
                            IntStr.IntOrString.newBuilder().setType(1).setIntVal(0)
                                .setStrVal("http"))))
                    .setInitialDelaySeconds(0))
                .setResources(V1.ResourceRequirements.newBuilder()
                    .putLimits("cpu", Resource.Quantity.newBuilder().setString("500m").build())
                    .putRequests("memory", Resource.Quantity.newBuilder().setString("64Mi")
                        .build()))
                .addEnv(V1.EnvVar.newBuilder().setName("K").setValue("").setValueFrom(
                    V1.EnvVarSource.newBuilder().setConfigMapKeyRef(
                        V1.ConfigMapKeySelector.newBuilder()
                            .setLocalObjectReference(V1.LocalObjectReference.newBuilder()
                                .setName("cm"))
                            .setKey("k").setOptional(false))))
                .setSecurityContext(V1.SecurityContext.newBuilder().setPrivileged(false)
                    .setAllowPrivilegeEscalation(false)))
            .addVolumes(V1.Volume.newBuilder().setName("v").setVolumeSource(
                V1.VolumeSource.newBuilder().setConfigMap(V1.ConfigMapVolumeSource.newBuilder()
                    .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("cm"))
                    .setDefaultMode(420)))))
        .build();

    assertEquals(
        json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p',"
            + "'creationTimestamp':'2024-01-01T00:00:00Z',"
            + "'deletionTimestamp':'2024-01-01T00:01:01Z','deletionGracePeriodSeconds':0,"
            + "'managedFields':[{'manager':'kubectl','operation':'Update','apiVersion':'v1',"
            + "'time':'1970-01-01T00:00:00Z','fieldsType':'FieldsV1',"
            + "'fieldsV1':{'f:metadata':{'f:labels':{}}}}]},"
            + "'spec':{'volumes':[{'name':'v','configMap':{'name':'cm','defaultMode':420}}],"
            + "'containers':[{'name':'c','env':[{'name':'K','valueFrom':{'configMapKeyRef':"
            + "{'name':'cm','key':'k','optional':false}}}],"
            + "'resources':{'limits':{'cpu':'500m'},'requests':{'memory':'64Mi'}},"
            + "'livenessProbe':{'httpGet':{'path':'/healthz','port':'http'}},"
            + "'securityContext':{'privileged':false,'allowPrivilegeEscalation':false}}],"
            + "'terminationGracePeriodSeconds':0,'automountServiceAccountToken':false,"
            + "'securityContext':{'runAsUser':0},'priority':0}}"),
        ProtobufBodies.decode(body("v1", "Pod", pod)));
  }

  @Test
  void leaseMicroTimesKeepMicroseconds() throws Exception {
    V1Coordination.Lease lease = V1Coordination.Lease.newBuilder()
        .setMetadata(goMeta("node-1"))
        .setSpec(V1Coordination.LeaseSpec.newBuilder()
            .setHolderIdentity("node-1")
            .setLeaseDurationSeconds(40)
            .setRenewTime(Meta.MicroTime.newBuilder().setSeconds(JAN_1_2024).setNanos(123_456_789))
            .setAcquireTime(Meta.MicroTime.getDefaultInstance())
            .setLeaseTransitions(0))
        .build();

    assertEquals(
        json("{'apiVersion':'coordination.k8s.io/v1','kind':'Lease','metadata':{'name':'node-1'},"
            + "'spec':{'holderIdentity':'node-1','leaseDurationSeconds':40,"
            + "'renewTime':'2024-01-01T00:00:00.123456Z','leaseTransitions':0}}"),
        ProtobufBodies.decode(body("coordination.k8s.io/v1", "Lease", lease)));
  }

  @Test
  void ingressClassParametersUseTheJsonNameNotTheProtoName() throws Exception {
    V1Networking.IngressClass ingressClass = V1Networking.IngressClass.newBuilder()
        .setMetadata(goMeta("nginx"))
        .setSpec(V1Networking.IngressClassSpec.newBuilder()
            .setController("k8s.io/ingress-nginx")
            .setParameters(V1Networking.IngressClassParametersReference.newBuilder()
                .setAPIGroup("k8s.example.com").setKind("IngressParameters").setName("p")))
        .build();

    assertEquals(
        json("{'apiVersion':'networking.k8s.io/v1','kind':'IngressClass','metadata':"
            + "{'name':'nginx'},'spec':{'controller':'k8s.io/ingress-nginx','parameters':"
            + "{'apiGroup':'k8s.example.com','kind':'IngressParameters','name':'p'}}}"),
        ProtobufBodies.decode(body("networking.k8s.io/v1", "IngressClass", ingressClass)));
  }

  @Test
  void deleteOptionsUnderTheResourcesGroupVersion() throws Exception {
    Meta.DeleteOptions options = Meta.DeleteOptions.newBuilder()
        .setGracePeriodSeconds(0)
        .setPropagationPolicy("Foreground")
        .build();

    assertEquals(
        json("{'apiVersion':'apps/v1','kind':'DeleteOptions','gracePeriodSeconds':0,"
            + "'propagationPolicy':'Foreground'}"),
        ProtobufBodies.decode(body("apps/v1", "DeleteOptions", options)));
  }

  @Test
  void rawExtensionIsTheEmbeddedJson() throws Exception {
    V1Apps.ControllerRevision revision = V1Apps.ControllerRevision.newBuilder()
        .setMetadata(goMeta("rev"))
        .setData(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFromUtf8(
            "{\"spec\":{\"replicas\":3}}")))
        .setRevision(2)
        .build();

    assertEquals(
        json("{'metadata':{'name':'rev'},'data':{'spec':{'replicas':3}},'revision':2}"),
        MessageJson.convert(revision));
  }

  @Test
  void unknownFieldsHoldingZeroAreIgnored() throws Exception {
    // A newer kubectl writes every new non-pointer field, zero or not; zeros carry nothing.
    V1.Namespace namespace = V1.Namespace.newBuilder()
        .setMetadata(goMeta("foo").setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(0).build())
            .addField(100, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.EMPTY).build())
            .build()))
        .build();

    assertEquals(
        json("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'foo'}}"),
        ProtobufBodies.decode(body("v1", "Namespace", namespace)));
  }

  @Test
  void everyListedGoFieldExistsInTheDescriptors() {
    // Class initialisation throws, naming the fields, if client-java-proto renamed any.
    assertEquals(true, GoPointerFields.size() > 100);
    assertEquals("apiGroup", GoJsonNames.of(V1Networking.IngressClassParametersReference
        .getDescriptor().findFieldByName("aPIGroup")));
    assertEquals(true, GoInlineFields.isInline(V1.Probe.getDescriptor()
        .findFieldByName("handler")));
  }
}
