package io.gantry.control.server.proto;
public final class ProtobufBodyException extends Exception { private static final long serialVersionUID = 1L; public ProtobufBodyException(String m) { super(m); } }
