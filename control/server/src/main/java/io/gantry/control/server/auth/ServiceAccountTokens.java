package io.gantry.control.server.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.tls.ServiceAccountKey;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Issues and validates service-account tokens as kube-apiserver's {@code serviceaccount.Claims},
 * JWT token generator and authenticator and {@code validator.Validate}: the public claims {@code
 * iss}, {@code sub} ({@code system:serviceaccount:NS:NAME}), {@code aud}, {@code exp}, {@code iat},
 * {@code nbf} and {@code jti}, and the private {@code kubernetes.io} claim naming the namespace, the
 * ServiceAccount and the pod, secret or node the token is bound to. A token is valid while it is
 * signed by this server's key, carries its issuer, is within its lifetime (one minute's leeway, as
 * go-jose's DefaultLeeway), shares an audience with the request, and its ServiceAccount and bound
 * pod, secret or node still exist with the uids it names. Immutable and thread-safe; lookups go
 * through the {@link ObjectLookup} each call is given.
 */
public final class ServiceAccountTokens {
  /** The issuer when none is configured, as a cluster set up by kubeadm uses. */
  public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";
  /** What the kubelet asks for pod-bound tokens, which kube-apiserver extends (WarnOnlyBoundTokenExpirationSeconds). */
  public static final long WARN_ONLY_BOUND_EXPIRATION_SECONDS = 60 * 60 + 7;
  /** How long such a token really lives (ExpirationExtensionSeconds). */
  public static final long EXTENDED_EXPIRATION_SECONDS = 24L * 365 * 60 * 60;
  static final long LEEWAY_SECONDS = 60;
  static final String EXTRA_PREFIX = "authentication.kubernetes.io/";

  /** Finds a stored object, or empty when there is none. */
  @FunctionalInterface
  public interface ObjectLookup {
    Optional<ObjectNode> find(ResourceType type, String namespace, String name);
  }

  /** A name and uid, as the private claim names the ServiceAccount and the bound object. */
  public record Ref(String name, String uid) {}

  private final JwtCodec codec;
  private final String issuer;
  private final List<String> apiAudiences;
  private final Clock clock;

  /**
   * @param apiAudiences kube-apiserver's {@code --api-audiences}: what a TokenRequest without audiences
   *                     is issued for and what a TokenReview without audiences accepts
   */
  public ServiceAccountTokens(ServiceAccountKey key, String issuer, List<String> apiAudiences, Clock clock) {
    requireNonNull(key, "key");
    this.codec = new JwtCodec(key.privateKey(), key.publicKey());
    this.issuer = requireNonNull(issuer, "issuer");
    if (issuer.isEmpty()) {
      throw new IllegalArgumentException("issuer: \"\" (expected: a URL or name)");
    }
    this.apiAudiences = List.copyOf(apiAudiences);
    if (this.apiAudiences.isEmpty()) {
      throw new IllegalArgumentException("apiAudiences: [] (expected: at least one audience)");
    }
    this.clock = requireNonNull(clock, "clock");
  }

  /** Tokens with the default issuer, which is also the one API audience, as kube-apiserver defaults them. */
  public static ServiceAccountTokens withDefaults(ServiceAccountKey key, Clock clock) {
    return new ServiceAccountTokens(key, DEFAULT_ISSUER, List.of(DEFAULT_ISSUER), clock);
  }

  public List<String> apiAudiences() {
    return apiAudiences;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * A signed token for {@code serviceAccount}, issued at {@code now}, expiring {@code expirationSeconds}
   * later; {@code pod}, {@code secret} and {@code node} are the bound objects or null.
   *
   * @param warnAfterSeconds when a warn-only token's requested lifetime ends, or 0
   */
  public String issue(ObjectNode serviceAccount, Ref pod, Ref secret, Ref node, long expirationSeconds,
      long warnAfterSeconds, List<String> audiences, Instant now) {
    JsonNode metadata = serviceAccount.path("metadata");
    String namespace = metadata.path("namespace").asText();
    String name = metadata.path("name").asText();
    long issuedAt = now.getEpochSecond();
    // alphabetical at every level, as go-jose merges the claim sets into maps before encoding
    ObjectNode claims = Json.object();
    ArrayNode aud = claims.putArray("aud");
    audiences.forEach(aud::add);
    claims.put("exp", issuedAt + expirationSeconds);
    claims.put("iat", issuedAt);
    claims.put("iss", issuer);
    claims.put("jti", UUID.randomUUID().toString());
    ObjectNode kubernetes = claims.putObject("kubernetes.io");
    kubernetes.put("namespace", namespace);
    putRef(kubernetes, "node", node);
    putRef(kubernetes, "pod", pod);
    putRef(kubernetes, "secret", secret);
    putRef(kubernetes, "serviceaccount", new Ref(name, metadata.path("uid").asText()));
    if (warnAfterSeconds != 0) {
      kubernetes.put("warnafter", issuedAt + warnAfterSeconds);
    }
    claims.put("nbf", issuedAt);
    claims.put("sub", username(namespace, name));
    return codec.sign(claims);
  }

  private static void putRef(ObjectNode kubernetes, String field, Ref ref) {
    if (ref == null) {
      return;
    }
    ObjectNode out = kubernetes.putObject(field);
    if (!ref.name().isEmpty()) {
      out.put("name", ref.name());
    }
    if (!ref.uid().isEmpty()) {
      out.put("uid", ref.uid());
    }
  }

  /**
   * Whether {@code token} claims this issuer, unverified: a cheap test (no signature, no lookups) for
   * whether {@link #authenticate} is worth a blocking call.
   */
  public boolean claimsThisIssuer(String token) {
    return JwtCodec.unverifiedClaims(token).map(claims -> claims.path("iss").asText("").equals(issuer))
        .orElse(false);
  }

  /** {@code system:serviceaccount:NS:NAME}, serviceaccount.MakeUsername. */
  public static String username(String namespace, String name) {
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  /**
   * Who {@code token} authenticates for {@code requestedAudiences} (the API audiences when empty), or
   * empty when it is not a token of this issuer at all (kube-apiserver's authenticator then has no opinion).
   *
   * @throws TokenRejected when it is this issuer's token but not valid, with kube-apiserver's message
   */
  public Optional<TokenUser> authenticate(String token, List<String> requestedAudiences, ObjectLookup objects)
      throws TokenRejected {
    Optional<ObjectNode> unverified = JwtCodec.unverifiedClaims(token);
    if (unverified.isEmpty() || !unverified.get().path("iss").asText("").equals(issuer)) {
      return Optional.empty();
    }
    if (!codec.verifies(token)) {
      throw new TokenRejected(JwtCodec.CRYPTO_FAILURE);
    }
    ObjectNode claims = unverified.get();
    List<String> tokenAudiences = strings(claims.get("aud"));
    if (tokenAudiences.isEmpty()) {
      throw new TokenRejected("token does not have an audience");
    }
    List<String> requested = requestedAudiences.isEmpty() ? apiAudiences : requestedAudiences;
    List<String> audiences = tokenAudiences.stream().filter(requested::contains).distinct().toList();
    if (audiences.isEmpty()) {
      throw new TokenRejected("token audiences " + goQuoted(tokenAudiences) + " is invalid for the target audiences "
          + goQuoted(requested));
    }
    long now = clock.instant().getEpochSecond();
    if (claims.has("exp") && now > claims.path("exp").asLong() + LEEWAY_SECONDS) {
      throw new TokenRejected("service account token has expired");
    }
    if (claims.has("nbf") && now + LEEWAY_SECONDS < claims.path("nbf").asLong()) {
      throw new TokenRejected("service account token is not valid yet");
    }
    return Optional.of(validate(claims, audiences, objects));
  }

  /** validator.Validate: the ServiceAccount and bound objects still exist with the same uids. */
  private TokenUser validate(ObjectNode claims, List<String> audiences, ObjectLookup objects) throws TokenRejected {
    Instant deletedBefore = clock.instant().minusSeconds(LEEWAY_SECONDS);
    JsonNode kubernetes = claims.path("kubernetes.io");
    String namespace = kubernetes.path("namespace").asText("");
    Ref account = ref(kubernetes.get("serviceaccount"));
    ObjectNode serviceAccount = objects.find(ResourceTypes.SERVICEACCOUNTS, namespace, account.name())
        .orElseThrow(() -> new TokenRejected("serviceaccounts \"" + account.name() + "\" not found"));
    if (deletedBefore(serviceAccount, deletedBefore)) {
      throw new TokenRejected("service account " + namespace + "/" + account.name() + " has been deleted");
    }
    String uid = serviceAccount.path("metadata").path("uid").asText("");
    if (!uid.equals(account.uid())) {
      throw new TokenRejected("service account UID (" + uid + ") does not match claim (" + account.uid() + ")");
    }
    TreeMap<String, List<String>> extra = new TreeMap<>();
    if (kubernetes.has("secret")) {
      checkBound(objects, ResourceTypes.SECRETS, namespace, ref(kubernetes.get("secret")), "secret", deletedBefore);
    }
    if (kubernetes.has("pod")) {
      Ref pod = ref(kubernetes.get("pod"));
      checkBound(objects, ResourceTypes.PODS, namespace, pod, "pod", deletedBefore);
      extra.put(EXTRA_PREFIX + "pod-name", List.of(pod.name()));
      extra.put(EXTRA_PREFIX + "pod-uid", List.of(pod.uid()));
    }
    if (kubernetes.has("node")) {
      Ref node = ref(kubernetes.get("node"));
      if (!kubernetes.has("pod")) {
        // a pod-bound token only carries its pod's node; a node-bound one is checked against the node
        checkBound(objects, ResourceTypes.NODES, null, node, "node", deletedBefore);
      }
      if (!node.name().isEmpty()) {
        extra.put(EXTRA_PREFIX + "node-name", List.of(node.name()));
        if (!node.uid().isEmpty()) {
          extra.put(EXTRA_PREFIX + "node-uid", List.of(node.uid()));
        }
      }
    }
    String jti = claims.path("jti").asText("");
    if (!jti.isEmpty()) {
      extra.put(EXTRA_PREFIX + "credential-id", List.of("JTI=" + jti));
    }
    List<String> groups = List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace,
        "system:authenticated");
    return new TokenUser(username(namespace, account.name()), account.uid(), groups, extra, audiences);
  }

  private static void checkBound(ObjectLookup objects, ResourceType type, String namespace, Ref ref, String what,
      Instant deletedBefore) throws TokenRejected {
    Optional<ObjectNode> found = objects.find(type, namespace, ref.name());
    if (found.isEmpty() || deletedBefore(found.get(), deletedBefore)) {
      throw new TokenRejected("service account token has been invalidated");
    }
    String uid = found.get().path("metadata").path("uid").asText("");
    if (!uid.equals(ref.uid())) {
      throw new TokenRejected(what + " UID (" + uid + ") does not match service account " + what + " ref claim ("
          + ref.uid() + ")");
    }
  }

  private static boolean deletedBefore(ObjectNode object, Instant limit) {
    String deletion = object.path("metadata").path("deletionTimestamp").asText("");
    if (deletion.isEmpty()) {
      return false;
    }
    try {
      return Instant.parse(deletion).isBefore(limit);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static Ref ref(JsonNode node) {
    return node == null ? new Ref("", "") : new Ref(node.path("name").asText(""), node.path("uid").asText(""));
  }

  /** A JSON string or array of strings, as jwt.Audience reads {@code aud}. */
  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node != null && node.isTextual()) {
      out.add(node.asText());
    } else if (node != null && node.isArray()) {
      node.forEach(element -> out.add(element.asText()));
    }
    return out;
  }

  /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
  private static String goQuoted(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      out.append(i == 0 ? "" : " ").append(Json.string(Json.MAPPER.getNodeFactory().textNode(values.get(i))));
    }
    return out.append(']').toString();
  }
}
