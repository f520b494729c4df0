package io.gantry.cni.ipam;

import java.util.LinkedHashMap;
import java.util.Map;

/** A route of the result: {@code dst} in CIDR notation, {@code gw} optional. */
public record Route(Subnet dst, Ip gw) {

  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dst", dst.toString());
    if (gw != null) {
      json.put("gw", gw.toString());
    }
    return json;
  }
}
