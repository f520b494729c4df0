package io.gantry.control.server.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** A pod spec, of a Pod or of a workload's pod template (upstream {@code ValidatePodSpec}, the common part). */
final class PodSpecValidation {

  static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
  static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
  static final int MAX_DNS_NAMESERVERS = 3;
  static final int MAX_DNS_SEARCH_PATHS = 32;
  static final int MAX_DNS_SEARCH_CHARS = 2048;

  private PodSpecValidation() {}

  static void validatePod(JsonNode pod, List<FieldError> errs) {
    validateSpec(Nodes.field(pod, "spec"), FieldPath.root("spec"), errs);
  }

  /** A pod template: labels and annotations (at {@code <path>.labels}, as upstream reports them) and the spec. */
  static void validateTemplate(JsonNode template, FieldPath path, List<FieldError> errs) {
    JsonNode meta = Nodes.field(template, "metadata");
    MetadataValidation.validateLabels(Nodes.field(meta, "labels"), path.child("labels"), errs);
    MetadataValidation.validateAnnotations(Nodes.field(meta, "annotations"), path.child("annotations"), errs);
    validateSpec(Nodes.field(template, "spec"), path.child("spec"), errs);
    if (!Nodes.field(Nodes.field(template, "spec"), "ephemeralContainers").isEmpty()) {
      errs.add(FieldError.forbidden(path.child("spec", "ephemeralContainers"),
          "ephemeral containers not allowed in pod template"));
    }
  }

  /** Upstream {@code validatePodDNSConfig}: at most 3 nameservers, 32 search paths in 2048 characters. */
  private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  /** ValidateTolerations, rule by rule in its order. */
  static void tolerations(List<JsonNode> tolerations, FieldPath path, List<FieldError> errs) {
    for (int i = 0; i < tolerations.size(); i++) {
      JsonNode toleration = tolerations.get(i);
      FieldPath at = path.index(i);
      String key = Nodes.text(toleration, "key", "");
      String operator = Nodes.text(toleration, "operator", "");
      String value = Nodes.text(toleration, "value", "");
      String effect = Nodes.text(toleration, "effect", "");
      if (!key.isEmpty()) {
        NameRules.qualifiedName(key).forEach(m -> errs.add(FieldError.invalid(at.child("key"), key, m)));
      }
      if (key.isEmpty() && !operator.equals("Exists")) {
        errs.add(FieldError.invalid(at.child("operator"), operator,
            "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
      }
      if (Nodes.present(toleration, "tolerationSeconds") && !effect.equals("NoExecute")) {
        errs.add(FieldError.invalid(at.child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
      }
      switch (operator) {
        case "Equal", "" -> {
          List<String> msgs = NameRules.labelValue(value);
          if (!msgs.isEmpty()) {
            errs.add(FieldError.invalid(at.child("operator"), value, String.join(";", msgs)));
          }
        }
        case "Exists" -> {
          if (!value.isEmpty()) {
            errs.add(FieldError.invalid(at.child("operator"), new GoLiteral("core.Toleration{Key:\"" + key
                + "\", Operator:\"Exists\", Value:\"" + value + "\", Effect:\"" + effect + "\", TolerationSeconds:"
                + (Nodes.present(toleration, "tolerationSeconds") ? "(*int64)(...)" : "(*int64)(nil)") + "}"),
                "value must be empty when `operator` is 'Exists'"));
          }
        }
        default -> errs.add(FieldError.notSupported(at.child("operator"), operator, List.of("Equal", "Exists")));
      }
      if (!effect.isEmpty() && !TAINT_EFFECTS.contains(effect)) {
        errs.add(FieldError.notSupported(at.child("effect"), effect, TAINT_EFFECTS));
      }
    }
  }

  static void validateDnsConfig(String dnsPolicy, JsonNode config, FieldPath path, List<FieldError> errs) {
    if ("None".equals(dnsPolicy)) {
      if (config.isMissingNode() || config.isNull()) {
        errs.add(FieldError.required(path, "must provide `dnsConfig` when `dnsPolicy` is None"));
        return;
      }
      if (Nodes.list(config, "nameservers").isEmpty()) {
        errs.add(FieldError.required(path.child("nameservers"),
            "must provide at least one DNS nameserver when `dnsPolicy` is None"));
        return;
      }
    }
    if (config.isMissingNode() || config.isNull()) {
      return;
    }
    List<String> nameservers = Nodes.strings(Nodes.field(config, "nameservers"));
    if (nameservers.size() > MAX_DNS_NAMESERVERS) {
      errs.add(FieldError.invalid(path.child("nameservers"), nameservers,
          "must not have more than " + MAX_DNS_NAMESERVERS + " nameservers"));
    }
    for (int i = 0; i < nameservers.size(); i++) {
      FieldPath at = path.child("nameservers").index(i);
      String server = nameservers.get(i);
      NetRules.ip(server).forEach(m -> errs.add(FieldError.invalid(at, server, m)));
    }
    List<String> searches = Nodes.strings(Nodes.field(config, "searches"));
    if (searches.size() > MAX_DNS_SEARCH_PATHS) {
      errs.add(FieldError.invalid(path.child("searches"), searches,
          "must not have more than " + MAX_DNS_SEARCH_PATHS + " search paths"));
    }
    if (String.join(" ", searches).length() > MAX_DNS_SEARCH_CHARS) {
      errs.add(FieldError.invalid(path.child("searches"), searches,
          "must not have more than " + MAX_DNS_SEARCH_CHARS + " characters (including spaces) in the search list"));
    }
    for (int i = 0; i < searches.size(); i++) {
      FieldPath at = path.child("searches").index(i);
      String search = searches.get(i).endsWith(".") ? searches.get(i).substring(0, searches.get(i).length() - 1)
          : searches.get(i); // a trailing dot is fine
      NameRules.dns1123Subdomain(search).forEach(m -> errs.add(FieldError.invalid(at, search, m)));
    }
    List<JsonNode> options = Nodes.list(config, "options");
    for (int i = 0; i < options.size(); i++) {
      if (Nodes.text(options.get(i), "name", "").isEmpty()) {
        errs.add(FieldError.required(path.child("options").index(i), "Option.Name must not be empty"));
      }
    }
  }

  static void validateSpec(JsonNode spec, FieldPath path, List<FieldError> errs) {
    Set<String> volumes = volumes(Nodes.list(spec, "volumes"), path.child("volumes"), errs);
    Set<String> names = new HashSet<>();
    List<JsonNode> containers = Nodes.list(spec, "containers");
    if (containers.isEmpty()) {
      errs.add(FieldError.required(path.child("containers"), ""));
    }
    for (int i = 0; i < containers.size(); i++) {
      ContainerValidation.validate(containers.get(i), path.child("containers").index(i), names, volumes, errs);
      ContainerValidation.validateApp(containers.get(i), path.child("containers").index(i), errs);
    }
    List<JsonNode> inits = Nodes.list(spec, "initContainers");
    for (int i = 0; i < inits.size(); i++) {
      ContainerValidation.validate(inits.get(i), path.child("initContainers").index(i), names, volumes, errs);
      ContainerValidation.validateInit(inits.get(i), path.child("initContainers").index(i), errs);
    }
    String restartPolicy = Nodes.text(spec, "restartPolicy", "Always");
    if (restartPolicy.isEmpty()) {
      errs.add(FieldError.required(path.child("restartPolicy"), ""));
    } else if (!RESTART_POLICIES.contains(restartPolicy)) {
      errs.add(FieldError.notSupported(path.child("restartPolicy"), restartPolicy, RESTART_POLICIES));
    }
    String dnsPolicy = Nodes.text(spec, "dnsPolicy");
    if (dnsPolicy != null && !DNS_POLICIES.contains(dnsPolicy)) {
      errs.add(FieldError.notSupported(path.child("dnsPolicy"), dnsPolicy, DNS_POLICIES));
    }
    validateDnsConfig(dnsPolicy, Nodes.field(spec, "dnsConfig"), path.child("dnsConfig"), errs);
    TopologySpreadValidation.validate(Nodes.list(spec, "topologySpreadConstraints"),
        path.child("topologySpreadConstraints"), errs);
    List<JsonNode> aliases = Nodes.list(spec, "hostAliases");
    for (int i = 0; i < aliases.size(); i++) {
      FieldPath at = path.child("hostAliases").index(i);
      String ip = Nodes.text(aliases.get(i), "ip", "");
      NetRules.ip(ip).forEach(m -> errs.add(FieldError.invalid(at.child("ip"), ip, m)));
      List<String> hostnames = Nodes.strings(Nodes.field(aliases.get(i), "hostnames"));
      for (int j = 0; j < hostnames.size(); j++) {
        FieldPath name = at.child("hostnames").index(j);
        String hostname = hostnames.get(j);
        NameRules.dns1123Subdomain(hostname).forEach(m -> errs.add(FieldError.invalid(name, hostname, m)));
      }
    }
    for (String field : List.of("nodeName", "serviceAccountName", "schedulerName")) {
      String value = Nodes.text(spec, field, "");
      if (!value.isEmpty()) {
        NameRules.dns1123Subdomain(value).forEach(msg -> errs.add(FieldError.invalid(path.child(field), value, msg)));
      }
    }
    for (String field : List.of("hostname", "subdomain")) {
      String value = Nodes.text(spec, field, "");
      if (!value.isEmpty()) {
        NameRules.dns1123Label(value).forEach(msg -> errs.add(FieldError.invalid(path.child(field), value, msg)));
      }
    }
    tolerations(Nodes.list(spec, "tolerations"), path.child("tolerations"), errs);
    JsonNode deadline = Nodes.field(spec, "activeDeadlineSeconds");
    if (!deadline.isMissingNode() && (deadline.asLong() < 1 || deadline.asLong() > Integer.MAX_VALUE)) {
      errs.add(FieldError.invalid(path.child("activeDeadlineSeconds"), deadline.asLong(),
          NameRules.inclusiveRangeError(1, Integer.MAX_VALUE)));
    }
    JsonNode grace = Nodes.field(spec, "terminationGracePeriodSeconds");
    if (!grace.isMissingNode() && grace.asLong() < 0) {
      errs.add(FieldError.invalid(path.child("terminationGracePeriodSeconds"), grace.asLong(),
          "must be greater than or equal to 0"));
    }
  }

  /** Volume names (DNS-1123 labels, unique) and exactly one source each; returns the names. */
  private static Set<String> volumes(List<JsonNode> volumes, FieldPath path, List<FieldError> errs) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < volumes.size(); i++) {
      JsonNode vol = volumes.get(i);
      FieldPath idx = path.index(i);
      int sources = 0;
      for (Iterator<String> it = vol.fieldNames(); it.hasNext(); ) {
        String source = it.next();
        if (source.equals("name") || vol.get(source).isNull()) {
          continue;
        }
        if (++sources > 1) {
          errs.add(FieldError.forbidden(idx.child(source), "may not specify more than 1 volume type"));
        }
      }
      if (sources == 0) {
        errs.add(FieldError.required(idx, "must specify a volume type"));
      }
      String name = Nodes.text(vol, "name", "");
      if (name.isEmpty()) {
        errs.add(FieldError.required(idx.child("name"), ""));
      } else {
        NameRules.dns1123Label(name).forEach(msg -> errs.add(FieldError.invalid(idx.child("name"), name, msg)));
      }
      if (!names.add(name)) {
        errs.add(FieldError.duplicate(idx.child("name"), name));
      }
    }
    return names;
  }
}
