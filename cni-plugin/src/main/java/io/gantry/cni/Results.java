package io.gantry.cni;

import io.gantry.cni.ipam.Ip;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading the pieces of a result ({@code prevResult}) that CHECK and DEL rely on. */
public final class Results {
  private Results() {}

  /** The {@code ips[].address} values (CIDR notation); code 7 when malformed. */
  public static List<String> addresses(Map<String, Object> result) throws CniException {
    List<String> addresses = new ArrayList<>();
    if (result == null) {
      return addresses;
    }
    for (Map<?, ?> ip : objects(result, "ips")) {
      if (!(ip.get("address") instanceof String address)) {
        throw new CniException(CniException.INVALID_NETWORK_CONFIG,
            "prevResult.ips: " + ip + " (expected: an object with address)");
      }
      ipOf(address);
      addresses.add(address);
    }
    return addresses;
  }

  /**
   * Converts a result to the 0.3.0-0.4.0 format: each IP gets its {@code version} ("4" or "6")
   * after {@code address}, unless it has one (from a prevResult of that format).
   */
  @SuppressWarnings("unchecked")
  static void addIpVersions(Map<String, Object> result) {
    if (!(result.get("ips") instanceof List<?> ips)) {
      return;
    }
    List<Object> converted = new ArrayList<>(ips.size());
    for (Object item : ips) {
      if (item instanceof Map<?, ?> ip && ip.get("address") instanceof String address && !ip.containsKey("version")) {
        Map<String, Object> withVersion = new LinkedHashMap<>();
        withVersion.put("version", address.indexOf(':') < 0 ? "4" : "6");
        withVersion.putAll((Map<String, Object>) ip);
        converted.add(withVersion);
      } else {
        converted.add(item);
      }
    }
    result.put("ips", converted);
  }

  /** The objects of a list field; code 7 when it is not a list of objects. */
  public static List<Map<?, ?>> objects(Map<String, Object> result, String key) throws CniException {
    List<Map<?, ?>> objects = new ArrayList<>();
    Object value = result.get(key);
    if (value == null) {
      return objects;
    }
    if (!(value instanceof List<?> list)) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, "prevResult." + key + ": " + Json.write(value)
          + " (expected: a list)");
    }
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> map)) {
        throw new CniException(CniException.INVALID_NETWORK_CONFIG, "prevResult." + key + ": " + Json.write(item)
            + " (expected: an object)");
      }
      objects.add(map);
    }
    return objects;
  }

  /** The address part of {@code 10.1.2.3/24}; code 7 when it is not one. */
  public static Ip ipOf(String cidr) throws CniException {
    int slash = cidr.indexOf('/');
    try {
      return Ip.parse(slash < 0 ? cidr : cidr.substring(0, slash));
    } catch (IllegalArgumentException e) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, "prevResult: " + e.getMessage());
    }
  }
}
