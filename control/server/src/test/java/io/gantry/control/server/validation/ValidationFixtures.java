package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Small factories shared by the validation tests: YAML manifests in, error messages out. */
final class ValidationFixtures {

  private ValidationFixtures() {}

  static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) Json.YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> create(ResourceType type, String manifest) {
    return ObjectValidator.validateCreate(type, yaml(manifest)).stream().map(FieldError::message).toList();
  }

  static List<String> update(ResourceType type, String manifest, String old) {
    return ObjectValidator.validateUpdate(type, yaml(manifest), yaml(old)).stream().map(FieldError::message).toList();
  }

  /** The upstream RFC 1123 subdomain message. */
  static final String SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
      + " characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex"
      + " used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

  static final String LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or"
      + " '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for"
      + " validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

  static final String DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-',"
      + " start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123',"
      + " regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

  static final String LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters,"
      + " '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value', "
      + " or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

  static final String NAME_PART_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must"
      + " start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
      + " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
}
