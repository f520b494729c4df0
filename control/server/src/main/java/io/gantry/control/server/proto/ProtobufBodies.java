package io.gantry.control.server.proto;
public final class ProtobufBodies {
  public static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
  public static com.fasterxml.jackson.databind.node.ObjectNode decode(byte[] body) throws ProtobufBodyException { throw new ProtobufBodyException("stub"); }
}
