package io.gantry.control.api;

import io.gantry.control.api.v1.PodView;
import java.util.List;

/** Checks a {@link PodView}: names and IPs that parse. */
public final class PodViewValidator {

  private PodViewValidator() {
  }

  public static void validate(PodView view, String resourceName, List<String> errors) {
    Checks.namespacedName(view.getNamespace(), view.getName(), resourceName, errors);
    for (int i = 0; i < view.getIpsCount(); i++) {
      Checks.ip("ips[" + i + "]", view.getIps(i), errors);
    }
  }
}
