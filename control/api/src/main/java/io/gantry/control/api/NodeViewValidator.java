package io.gantry.control.api;

import io.gantry.control.api.v1.NodeAddress;
import io.gantry.control.api.v1.NodeView;
import java.util.List;

/** Checks a {@link NodeView}: a name, IP addresses that parse, pod CIDRs that parse. */
public final class NodeViewValidator {

  private NodeViewValidator() {
  }

  public static void validate(NodeView view, String resourceName, List<String> errors) {
    Checks.nonEmpty("name", view.getName(), errors);
    if (!view.getName().isEmpty() && !view.getName().equals(resourceName)) {
      errors.add("resource name: \"" + resourceName + "\" (expected: \"" + view.getName() + "\")");
    }
    for (int i = 0; i < view.getAddressesCount(); i++) {
      NodeAddress address = view.getAddresses(i);
      if (address.getType().endsWith("IP")) {
        Checks.ip("addresses[" + i + "].address", address.getAddress(), errors);
      } else {
        Checks.nonEmpty("addresses[" + i + "].address", address.getAddress(), errors);
      }
    }
    for (int i = 0; i < view.getPodCidrsCount(); i++) {
      if (!IpLiterals.isCidr(view.getPodCidrs(i))) {
        errors.add("podCIDRs[" + i + "]: \"" + view.getPodCidrs(i) + "\" (expected: a CIDR such as 10.244.1.0/24)");
      }
    }
  }
}
