package io.gantry.cni.ipam;

import java.util.LinkedHashMap;
import java.util.Map;

/** A route of the result: {@code dst} in CIDR notation, {@code gw} optional. */
public record Route(Subnet dst, Ip gw) {
  // equals and hashCode by hand, as in Ip: the generated ones bootstrap method handles on first call.
  @Override
  public boolean equals(Object o) {
    return o instanceof Route other && dst.equals(other.dst) && java.util.Objects.equals(gw, other.gw);
  }

  @Override
  public int hashCode() {
    return dst.hashCode() * 31 + java.util.Objects.hashCode(gw);
  }

  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dst", dst.toString());
    if (gw != null) {
      json.put("gw", gw.toString());
    }
    return json;
  }
}
