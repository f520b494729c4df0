/**
 * Decoding of Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf},
 * sent by kubectl 1.32+ for typed-client commands such as {@code kubectl create namespace}) into
 * the JSON object kube-apiserver would hold for the same request. The entry point is {@link
 * io.gantry.control.server.proto.ProtobufBodies#decode}; {@code ProtobufKinds} maps apiVersion
 * and kind to message descriptors and {@code MessageJson} converts a message generically by
 * reflection. Three small lists carry what the descriptors cannot say about the Go types:
 * {@code GoPointerFields} (zero values that must survive), {@code GoInlineFields} (embedded
 * structs whose fields JSON lifts into the parent) and {@code GoJsonNames} (proto names that
 * are not the JSON names).
 */
package io.gantry.control.server.proto;
