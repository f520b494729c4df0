package io.gantry.control.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.auth.ServiceAccountTokens.Ref;
import io.gantry.control.server.controller.MutableClock;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.tls.ServiceAccountKey;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issuing and validating service-account tokens, with a hand-moved clock and objects in a map. */
class ServiceAccountTokensTest {
  private static final ServiceAccountKey KEY = ServiceAccountKey.generate();
  private static final String ISSUER = ServiceAccountTokens.DEFAULT_ISSUER;
  private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final ServiceAccountTokens tokens = ServiceAccountTokens.withDefaults(KEY, clock);
  private final Map<String, ObjectNode> objects = new HashMap<>();
  private final ServiceAccountTokens.ObjectLookup lookup =
      (type, namespace, name) -> Optional.ofNullable(objects.get(key(type, namespace, name)));

  @Test
  void claimsAreUpstreamsAndTheSignatureVerifiesWithThePublicKey() throws Exception {
    ObjectNode account = store(ResourceTypes.SERVICEACCOUNTS, "demo", "robot", "sa-uid");
    String token = tokens.issue(account, null, null, null, 3600, 0, List.of(ISSUER), START);

    String[] parts = token.split("\\.");
    ObjectNode header = Json.parseObject(Base64.getUrlDecoder().decode(parts[0]));
    ObjectNode claims = Json.parseObject(Base64.getUrlDecoder().decode(parts[1]));
    assertEquals("RS256", header.path("alg").asText());
    assertFalse(header.path("kid").asText().isEmpty());
    assertEquals(ISSUER, claims.path("iss").asText());
    assertEquals("system:serviceaccount:demo:robot", claims.path("sub").asText());
    assertEquals("[\"" + ISSUER + "\"]", claims.path("aud").toString());
    assertEquals(START.getEpochSecond(), claims.path("iat").asLong());
    assertEquals(START.getEpochSecond(), claims.path("nbf").asLong());
    assertEquals(START.getEpochSecond() + 3600, claims.path("exp").asLong());
    assertFalse(claims.path("jti").asText().isEmpty());
    assertEquals("{\"namespace\":\"demo\",\"serviceaccount\":{\"name\":\"robot\",\"uid\":\"sa-uid\"}}",
        claims.path("kubernetes.io").toString());
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initVerify(KEY.publicKey());
    rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(rs256.verify(Base64.getUrlDecoder().decode(parts[2])));
  }

  @Test
  void aGoodTokenAuthenticatesAsItsServiceAccount() throws Exception {
    ObjectNode account = store(ResourceTypes.SERVICEACCOUNTS, "demo", "robot", "sa-uid");
    String token = tokens.issue(account, null, null, null, 3600, 0, List.of(ISSUER), START);
    clock.advance(Duration.ofMinutes(30));

    TokenUser user = tokens.authenticate(token, List.of(), lookup).orElseThrow();

    assertEquals("system:serviceaccount:demo:robot", user.username());
    assertEquals("sa-uid", user.uid());
    assertEquals(List.of("system:serviceaccounts", "system:serviceaccounts:demo", "system:authenticated"),
        user.groups());
    assertEquals(List.of(ISSUER), user.audiences());
    assertEquals(List.of("credential-id"), user.extra().keySet().stream()
        .map(k -> k.substring(ServiceAccountTokens.EXTRA_PREFIX.length())).toList());
    assertTrue(user.extra().get("authentication.kubernetes.io/credential-id").getFirst().startsWith("JTI="));
  }

  @Test
  void anExpiredTokenIsRejectedAfterTheLeeway() throws Exception {
    ObjectNode account = store(ResourceTypes.SERVICEACCOUNTS, "demo", "robot", "sa-uid");
    String token = tokens.issue(account, null, null, null, 600, 0, List.of(ISSUER), START);

    clock.advance(Duration.ofSeconds(600 + 60));
    assertTrue(tokens.authenticate(token, List.of(), lookup).isPresent(), "within go-jose's minute of leeway");
    clock.advance(Duration.ofSeconds(1));
    TokenRejected expired = assertThrows(TokenRejected.class, () -> tokens.authenticate(token, List.of(), lookup));
    assertEquals("service account token has expired", expired.getMessage());
  }

  @Test
  void aTamperedTokenFailsItsSignature() {
    ObjectNode account = store(ResourceTypes.SERVICEACCOUNTS, "demo", "robot", "sa-uid");
    String token = tokens.issue(account, null, null, null, 3600, 0, List.of(ISSUER), START);
    String[] parts = token.split("\\.");
    ObjectNode claims = Json.parseObject(Base64.getUrlDecoder().decode(parts[1]));
    claims.put("sub", "system:serviceaccount:kube-system:admin");
    String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(claims))
        + "." + parts[2];

    TokenRejected rejected = assertThrows(TokenRejected.class, () -> tokens.authenticate(tampered, List.of(), lookup));
    assertEquals(JwtCodec.CRYPTO_FAILURE, rejected.getMessage());
    ServiceAccountTokens otherKey = ServiceAccountTokens.withDefaults(ServiceAccountKey.generate(), clock);
    assertThrows(TokenRejected.class, () -> otherKey.authenticate(token, List.of(), lookup));
  }

  @Test
  void aTokenForAnotherAudienceIsRejectedWithUpstreamsMessage() throws Exception {
    ObjectNode account = store(ResourceTypes.SERVICEACCOUNTS, "demo", "robot", "sa-uid");
    String token = tokens.issue(account, null, null, null, 3600, 0, List.of("vault", "other"), START);

    TokenRejected rejected = assertThrows(TokenRejected.class, () -> tokens.authenticate(token, List.of(), lookup));
    assertEquals("token audiences [\"vault\" \"other\"] is invalid for the target audiences [\"" + ISSUER + "\"]",
        rejected.getMessage());
    assertEquals(List.of("vault"), tokens.authenticate(token, List.of("vault", "x"), lookup).orElseThrow().audiences());
  }

  @Test
  void aDeletedOrRecreatedServiceAccountInvalidatesItsTokens() {
    ObjectNode account = store(ResourceTypes.SERVICEACCOUNTS, "demo", "robot", "sa-uid");
    String token = tokens.issue(account, null, null, null, 3600, 0, List.of(ISSUER), START);

    objects.clear();
    TokenRejected gone = assertThrows(TokenRejected.class, () -> tokens.authenticate(token, List.of(), lookup));
    assertEquals("serviceaccounts \"robot\" not found", gone.getMessage());
    store(ResourceTypes.SERVICEACCOUNTS, "demo", "robot", "new-uid");
    TokenRejected recreated = assertThrows(TokenRejected.class, () -> tokens.authenticate(token, List.of(), lookup));
    assertEquals("service account UID (new-uid) does not match claim (sa-uid)", recreated.getMessage());
  }

  @Test
  void aPodBoundTokenCarriesItsPodAndNodeAndDiesWithThePod() throws Exception {
    ObjectNode account = store(ResourceTypes.SERVICEACCOUNTS, "demo", "robot", "sa-uid");
    store(ResourceTypes.PODS, "demo", "web", "pod-uid");
    String token = tokens.issue(account, new Ref("web", "pod-uid"), null, new Ref("node-1", "node-uid"), 3600, 0,
        List.of(ISSUER), START);

    TokenUser user = tokens.authenticate(token, List.of(), lookup).orElseThrow();
    assertEquals(List.of("authentication.kubernetes.io/credential-id", "authentication.kubernetes.io/node-name",
        "authentication.kubernetes.io/node-uid", "authentication.kubernetes.io/pod-name",
        "authentication.kubernetes.io/pod-uid"), user.extra().keySet().stream().sorted().toList());
    assertEquals(List.of("web"), user.extra().get("authentication.kubernetes.io/pod-name"));
    assertEquals(List.of("node-uid"), user.extra().get("authentication.kubernetes.io/node-uid"));

    objects.remove(key(ResourceTypes.PODS, "demo", "web"));
    TokenRejected rejected = assertThrows(TokenRejected.class, () -> tokens.authenticate(token, List.of(), lookup));
    assertEquals("service account token has been invalidated", rejected.getMessage());
  }

  @Test
  void somethingElseIsNotThisIssuersToken() throws Exception {
    assertTrue(tokens.authenticate("not-a-jwt", List.of(), lookup).isEmpty());
    String foreign = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(
        StandardCharsets.UTF_8)) + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"iss\":\"someone-else\"}".getBytes(StandardCharsets.UTF_8)) + ".";
    assertTrue(tokens.authenticate(foreign, List.of(), lookup).isEmpty());
  }

  private ObjectNode store(ResourceType type, String namespace, String name, String uid) {
    ObjectNode object = Json.object();
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    metadata.put("uid", uid);
    objects.put(key(type, namespace, name), object);
    return object;
  }

  private static String key(ResourceType type, String namespace, String name) {
    return type.plural() + "/" + namespace + "/" + name;
  }
}
