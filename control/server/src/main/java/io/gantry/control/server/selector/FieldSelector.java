package io.gantry.control.server.selector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.resource.ResourceType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A parsed field selector: {@code field=value}, {@code field==value} and {@code field!=value} terms that
 * must all hold. A field the object lacks reads as the empty string, so {@code spec.nodeName=} selects
 * unscheduled pods. Which fields a kind supports is {@link #unsupportedField}'s business.
 */
public final class FieldSelector {

  /** One term; {@code equal} false for {@code !=}. */
  public record Term(String field, boolean equal, String value) {

    @Override
    public String toString() {
      return field + (equal ? "=" : "!=") + escape(value);
    }
  }

  private static final Set<String> COMMON = Set.of("metadata.name", "metadata.namespace");

  /** The extra selectable fields per kind, as kube-apiserver's {@code ToSelectableFields} define them. */
  private static final Map<String, Set<String>> FIELDS = Map.of(
      "Pod", Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
          "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
      "Event", Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
          "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
          "reportingComponent", "source", "type"),
      "Secret", Set.of("type"),
      "Service", Set.of("spec.clusterIP", "spec.type"),
      "Node", Set.of("spec.unschedulable"),
      "Namespace", Set.of("status.phase"),
      "ReplicaSet", Set.of("status.replicas"),
      "ReplicationController", Set.of("status.replicas"));

  /** Fields whose value is not simply the JSON at their dotted path. */
  private static final Map<String, Function<JsonNode, String>> DERIVED = Map.of(
      "source", o -> text(o, "source.component").isEmpty() ? text(o, "reportingComponent") : text(o, "source.component"),
      "status.podIP", o -> {
        JsonNode ips = o.path("status").path("podIPs");
        return ips.isArray() && !ips.isEmpty() ? ips.get(0).path("ip").asText("") : text(o, "status.podIP");
      },
      "spec.hostNetwork", o -> Boolean.toString(o.path("spec").path("hostNetwork").asBoolean(false)),
      "spec.unschedulable", o -> Boolean.toString(o.path("spec").path("unschedulable").asBoolean(false)),
      "status.replicas", o -> Long.toString(o.path("status").path("replicas").asLong(0)));

  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  private final List<Term> terms;

  private FieldSelector(List<Term> terms) {
    this.terms = List.copyOf(terms);
  }

  public static FieldSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses {@code a=b}, {@code a==b}, {@code a!=b}, comma-separated; backslash escapes {@code \,},
   * {@code \=} and {@code \\} in values. Blank selects everything. Throws {@link IllegalArgumentException}
   * with the upstream message for terms without an operator or bad escapes.
   */
  public static FieldSelector parse(String text) {
    Objects.requireNonNull(text, "text");
    List<Term> terms = new ArrayList<>();
    for (String part : splitTerms(text)) {
      if (part.isEmpty()) {
        continue;
      }
      Term term = splitTerm(part);
      if (term == null) {
        throw new IllegalArgumentException("invalid selector: '" + text + "'; can't understand '" + part + "'");
      }
      terms.add(term);
    }
    terms.sort(Comparator.comparing(Term::toString));
    return terms.isEmpty() ? EVERYTHING : new FieldSelector(terms);
  }

  public boolean matches(ObjectNode object) {
    for (Term t : terms) {
      if (value(object, t.field()).equals(t.value()) != t.equal()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The error kube-apiserver gives when this selector names a field {@code type} does not support,
   * or empty when every field is supported: {@code field label not supported: spec.foo} from a kind's
   * own conversion function, and {@code DefaultMetaV1FieldSelectorConversion}'s words for the kinds
   * without one.
   */
  public Optional<String> unsupportedField(ResourceType type) {
    Set<String> extra = FIELDS.get(type.kind());
    return terms.stream().map(Term::field)
        .filter(f -> !COMMON.contains(f) && (extra == null || !extra.contains(f))).findFirst()
        .map(f -> extra != null ? "field label not supported: " + f
            : "\"" + f + "\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
  }

  /**
   * This selector with each field renamed by {@code rename}, as a field label conversion function maps
   * a served representation's labels onto the stored one's; {@code rename} may throw to refuse a field.
   */
  public FieldSelector withFields(UnaryOperator<String> rename) {
    List<Term> renamed = new ArrayList<>();
    for (Term term : terms) {
      renamed.add(new Term(rename.apply(term.field()), term.equal(), term.value()));
    }
    renamed.sort(Comparator.comparing(Term::toString));
    return renamed.isEmpty() ? EVERYTHING : new FieldSelector(renamed);
  }

  public boolean isEmpty() {
    return terms.isEmpty();
  }

  public List<Term> terms() {
    return terms;
  }

  /** The value a field has on an object, as a string; absent reads as empty. */
  public static String value(JsonNode object, String field) {
    Function<JsonNode, String> derived = DERIVED.get(field);
    return derived != null ? derived.apply(object) : text(object, field);
  }

  private static String text(JsonNode object, String dotted) {
    JsonNode n = object;
    for (String part : dotted.split("\\.")) {
      n = n == null ? null : n.get(part);
    }
    return n == null || n.isNull() || n.isContainerNode() ? "" : n.asText();
  }

  @Override
  public String toString() {
    return terms.stream().map(Term::toString).collect(Collectors.joining(","));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSelector other && terms.equals(other.terms);
  }

  @Override
  public int hashCode() {
    return terms.hashCode();
  }

  /** Splits on commas not escaped by a backslash (the escapes stay for {@link #unescape}). */
  private static List<String> splitTerms(String text) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean escaped = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',') {
        parts.add(current.toString());
        current.setLength(0);
        continue;
      }
      current.append(c);
    }
    parts.add(current.toString());
    return parts;
  }

  /** The first of {@code !=}, {@code ==}, {@code =} at the earliest position splits field from value. */
  private static Term splitTerm(String term) {
    for (int i = 0; i < term.length(); i++) {
      for (String op : List.of("!=", "==", "=")) {
        if (term.startsWith(op, i)) {
          return new Term(term.substring(0, i), !op.equals("!="), unescape(term.substring(i + op.length())));
        }
      }
    }
    return null;
  }

  private static String unescape(String value) {
    if (value.indexOf('\\') < 0 && value.indexOf('=') < 0 && value.indexOf(',') < 0) {
      return value;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        if (i + 1 >= value.length() || "\\,=".indexOf(value.charAt(i + 1)) < 0) {
          throw new IllegalArgumentException("invalid field selector: invalid escape sequence: "
              + value.substring(i, Math.min(i + 2, value.length())));
        }
        b.append(value.charAt(++i));
      } else if (c == '=' || c == ',') {
        throw new IllegalArgumentException("invalid field selector: unescaped character in value: " + (int) c);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
  }
}
