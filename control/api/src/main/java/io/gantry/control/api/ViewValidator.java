package io.gantry.control.api;

import io.gantry.control.api.v1.Resource;
import io.gantry.control.api.v1.ResourceError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks one {@link Resource} before anyone acts on it: the control component before it
 * pushes, every daemon before it folds a push into its snapshot. Each check collects all of a
 * view's problems, so a NACK says everything that was wrong at once.
 *
 * <p>Stateless and thread-safe.
 */
public final class ViewValidator {

  private ViewValidator() {
  }

  /** The problems of {@code resource}, one message per problem; empty when it is good. */
  public static List<String> validate(Resource resource) {
    List<String> errors = new ArrayList<>();
    if (resource.getName().isEmpty()) {
      errors.add("name: \"\" (expected: a non-empty resource name)");
    }
    if (resource.getVersion() < 0) {
      errors.add("version: " + resource.getVersion() + " (expected: >= 0)");
    }
    switch (resource.getViewCase()) {
      case SERVICE -> ServiceViewValidator.validate(resource.getService(), resource.getName(), errors);
      case ENDPOINTS -> EndpointViewValidator.validate(resource.getEndpoints(), resource.getName(), errors);
      case NODE -> NodeViewValidator.validate(resource.getNode(), resource.getName(), errors);
      case POD -> PodViewValidator.validate(resource.getPod(), resource.getName(), errors);
      case POLICY -> Checks.namespacedName(resource.getPolicy().getNamespace(), resource.getPolicy().getName(),
          resource.getName(), errors);
      case INGRESS -> Checks.namespacedName(resource.getIngress().getNamespace(), resource.getIngress().getName(),
          resource.getName(), errors);
      case VIEW_NOT_SET -> errors.add("view: not set (expected: one of service, endpoints, node, policy, ingress, pod)");
    }
    return errors;
  }

  /** The NACK entry for {@code resource}, or empty when it is good. */
  public static Optional<ResourceError> check(Resource resource) {
    List<String> errors = validate(resource);
    if (errors.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(ResourceError.newBuilder()
        .setType(Resources.type(resource))
        .setName(resource.getName())
        .setMessage(String.join("; ", errors))
        .build());
  }
}
