package io.gantry.dns.server;

import io.gantry.dns.zone.Wire;
import java.io.ByteArrayOutputStream;

/** Raw query packets for the server tests. */
final class Queries {

  private Queries() {
  }

  static byte[] query(int id, String name, int qtype, int ednsSize) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    short16(out, id);
    short16(out, 0x0100);
    short16(out, 1);
    short16(out, 0);
    short16(out, 0);
    short16(out, ednsSize > 0 ? 1 : 0);
    out.writeBytes(Wire.name(name));
    short16(out, qtype);
    short16(out, 1);
    if (ednsSize > 0) {
      out.write(0);
      short16(out, Wire.TYPE_OPT);
      short16(out, ednsSize);
      out.writeBytes(new byte[] {0, 0, 0, 0, 0, 0});
    }
    return out.toByteArray();
  }

  private static void short16(ByteArrayOutputStream out, int value) {
    out.write(value >>> 8);
    out.write(value);
  }
}
