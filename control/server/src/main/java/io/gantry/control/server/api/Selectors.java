package io.gantry.control.server.api;

import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.selector.FieldSelector;
import io.gantry.control.server.selector.LabelSelector;

/** The {@code labelSelector} and {@code fieldSelector} query parameters, parsed with API errors. */
public final class Selectors {

  private Selectors() {}

  public static LabelSelector labels(ApiRequest request) throws ApiException {
    return ResourceEndpoint.labelSelector(request);
  }

  public static io.gantry.control.server.table.TableConverter.IncludeObject includeObject(ApiRequest request)
      throws ApiException {
    return ResourceEndpoint.includeObject(request);
  }

  public static FieldSelector fields(ResourceType type, ApiRequest request) throws ApiException {
    return ResourceEndpoint.fieldSelector(type, request);
  }
}
