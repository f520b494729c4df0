package io.gantry.control.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.control.server.resource.ParsedQuantity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checks of the LimitRanger admission plugin for one resource against one enforced value, each
 * adding upstream's message ({@code minimum cpu usage per Container is 100m, but request is 50m}) to a
 * list. Values compare in milli-units unless one is too large for them, as
 * {@code requestLimitEnforcedValues}; a missing request or limit reads as zero.
 */
final class LimitRangeConstraints {

  private LimitRangeConstraints() {}

  /** A resource list ({@code requests}, {@code min}, ...) of a JSON object; malformed values are left out. */
  static Map<String, ParsedQuantity> list(JsonNode map) {
    Map<String, ParsedQuantity> out = new LinkedHashMap<>();
    if (map != null && map.isObject()) {
      map.properties().forEach(e -> {
        try {
          out.put(e.getKey(), ParsedQuantity.parse(e.getValue().asText()));
        } catch (IllegalArgumentException malformed) {
          // validation refuses such values before admission sees them
        }
      });
    }
    return out;
  }

  static void min(String type, String name, ParsedQuantity enforced, Map<String, ParsedQuantity> requests,
      Map<String, ParsedQuantity> limits, List<String> errs) {
    ParsedQuantity req = requests.get(name);
    ParsedQuantity lim = limits.get(name);
    long[] v = values(req, lim, enforced);
    if (req == null) {
      errs.add("minimum " + name + " usage per " + type + " is " + enforced + ".  No request is specified");
    } else if (v[0] < v[2]) {
      errs.add("minimum " + name + " usage per " + type + " is " + enforced + ", but request is " + req);
    } else if (lim != null && v[1] < v[2]) {
      errs.add("minimum " + name + " usage per " + type + " is " + enforced + ", but limit is " + lim);
    }
  }

  static void max(String type, String name, ParsedQuantity enforced, Map<String, ParsedQuantity> requests,
      Map<String, ParsedQuantity> limits, List<String> errs) {
    ParsedQuantity req = requests.get(name);
    ParsedQuantity lim = limits.get(name);
    long[] v = values(req, lim, enforced);
    if (lim == null) {
      errs.add("maximum " + name + " usage per " + type + " is " + enforced + ".  No limit is specified");
    } else if (v[1] > v[2]) {
      errs.add("maximum " + name + " usage per " + type + " is " + enforced + ", but limit is " + lim);
    } else if (req != null && v[0] > v[2]) {
      errs.add("maximum " + name + " usage per " + type + " is " + enforced + ", but request is " + req);
    }
  }

  /** maxRequestConstraint: the max of a kind whose limits mean nothing (a claim's storage). */
  static void maxRequest(String type, String name, ParsedQuantity enforced, Map<String, ParsedQuantity> requests,
      List<String> errs) {
    ParsedQuantity req = requests.get(name);
    long[] v = values(req, null, enforced);
    if (req == null) {
      errs.add("maximum " + name + " usage per " + type + " is " + enforced + ".  No request is specified");
    } else if (v[0] > v[2]) {
      errs.add("maximum " + name + " usage per " + type + " is " + enforced + ", but request is " + req);
    }
  }

  static void ratio(String type, String name, ParsedQuantity enforced, Map<String, ParsedQuantity> requests,
      Map<String, ParsedQuantity> limits, List<String> errs) {
    ParsedQuantity req = requests.get(name);
    ParsedQuantity lim = limits.get(name);
    long[] v = values(req, lim, enforced);
    if (req == null || v[0] == 0) {
      errs.add(name + " max limit to request ratio per " + type + " is " + enforced
          + ", but no request is specified or request is 0");
      return;
    }
    if (lim == null || v[1] == 0) {
      errs.add(name + " max limit to request ratio per " + type + " is " + enforced
          + ", but no limit is specified or limit is 0");
      return;
    }
    double observed = (double) v[1] / (double) v[0];
    double display = observed;
    double max = enforced.wholeValue();
    if (enforced.wholeValue() <= ParsedQuantity.MAX_MILLI_VALUE) {
      observed *= 1000;
      max = enforced.milliValue();
    }
    if (observed > max) {
      errs.add(name + " max limit to request ratio per " + type + " is " + enforced + ", but provided ratio is "
          + String.format(Locale.ROOT, "%f", display));
    }
  }

  /** requestLimitEnforcedValues: request, limit and enforced at a common precision. */
  private static long[] values(ParsedQuantity req, ParsedQuantity lim, ParsedQuantity enforced) {
    ParsedQuantity r = req == null ? ParsedQuantity.ZERO : req;
    ParsedQuantity l = lim == null ? ParsedQuantity.ZERO : lim;
    long[] whole = {r.wholeValue(), l.wholeValue(), enforced.wholeValue()};
    long max = ParsedQuantity.MAX_MILLI_VALUE;
    if (whole[0] <= max && whole[1] <= max && whole[2] <= max) {
      return new long[] {r.milliValue(), l.milliValue(), enforced.milliValue()};
    }
    return whole;
  }
}
