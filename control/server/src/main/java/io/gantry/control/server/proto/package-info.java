/**
 * Decoding of Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf},
 * sent by kubectl 1.32+ for typed-client commands such as {@code kubectl create namespace}) into
 * the JSON object kube-apiserver would hold for the same request. The entry point is {@link
 * io.gantry.control.server.proto.ProtobufBodies#decode}; {@code ProtobufKinds} maps
 * apiVersion and kind to generated message types, {@code MessageJson} converts a message
 * generically by reflection, and {@code GoPointerFields} lists the fields whose zero value
 * still has to reach the JSON because Go declares them as pointers.
 */
package io.gantry.control.server.proto;
