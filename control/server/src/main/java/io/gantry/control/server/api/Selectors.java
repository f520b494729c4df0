package io.gantry.control.server.api;

import io.gantry.control.server.conversion.Conversions;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.selector.FieldSelector;
import io.gantry.control.server.selector.LabelSelector;
import io.gantry.control.server.table.TableConverter;
import java.util.Optional;

/**
 * The {@code labelSelector}, {@code fieldSelector} and {@code includeObject} query parameters,
 * parsed with API errors.
 */
public final class Selectors {

  private Selectors() {}

  public static TableConverter.IncludeObject includeObject(ApiRequest request) throws ApiException {
    try {
      return TableConverter.IncludeObject.parse(request.param("includeObject"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  public static LabelSelector labels(ApiRequest request) throws ApiException {
    String text = request.param("labelSelector");
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return LabelSelector.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage()); // the parser words it as kube-apiserver does
    }
  }

  public static FieldSelector fields(ResourceType type, ApiRequest request) throws ApiException {
    String text = request.param("fieldSelector");
    if (text == null || text.isBlank()) {
      return null;
    }
    FieldSelector selector;
    try {
      // a type stored as another selects on the stored fields, named as its conversion maps them
      selector = FieldSelector.parse(text).withFields(Conversions.of(type)::fieldLabel);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    Optional<String> unsupported = selector.unsupportedField(type.storageType());
    if (unsupported.isPresent()) {
      throw ApiException.badRequest(unsupported.get());
    }
    return selector;
  }
}
