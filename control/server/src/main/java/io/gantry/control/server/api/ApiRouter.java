package io.gantry.control.server.api;

import io.gantry.control.server.auth.ServiceAccountTokens;
import io.gantry.control.server.auth.TokenRejected;
import io.gantry.control.server.auth.TokenUser;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.tls.ServiceAccountKey;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every non-streaming API request: health, version, discovery, OpenAPI and resources.
 * Blocks on the store: call it off the event loop.
 */
public final class ApiRouter {

  private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);

  private final ResourceEndpoint resources;
  private final String gantryVersion;
  private final String nodeAuthorization;
  private final PodStreams streams;
  private final ProxyTargets proxies;
  private final TokenReviews tokenReviews;
  private final ServiceAccountTokens tokens;
  private final ObjectRegistry registry;

  public ApiRouter(ObjectRegistry registry, String gantryVersion) {
    this(registry, gantryVersion, null);
  }

  /** A router whose service-account tokens are signed with a key kept in memory, and no admin token. */
  public ApiRouter(ObjectRegistry registry, String gantryVersion, String nodeToken) {
    this(registry, gantryVersion, nodeToken, ServiceAccountTokens.withDefaults(EphemeralKey.KEY,
        java.time.Clock.systemUTC()), token -> false);
  }

  /**
   * @param nodeToken  the bearer token node agents require of the relayed logs, exec, attach and
   *                   port-forward requests (the cluster's admin token), or null to send none
   * @param tokens     issues and checks service-account tokens (TokenRequest, TokenReview)
   * @param adminToken whether a token is the admin token, for TokenReview
   */
  public ApiRouter(ObjectRegistry registry, String gantryVersion, String nodeToken, ServiceAccountTokens tokens,
      Predicate<String> adminToken) {
    this.nodeAuthorization = nodeToken == null ? null : "Bearer " + nodeToken;
    this.resources = new ResourceEndpoint(registry, nodeAuthorization, tokens);
    this.tokenReviews = new TokenReviews(tokens, registry::find, adminToken);
    this.tokens = tokens;
    this.registry = registry;
    this.streams = new PodStreams(registry);
    this.proxies = new ProxyTargets(registry);
    this.gantryVersion = gantryVersion;
  }

  /** The {@code Authorization} header value for requests to node agents, or null. */
  public String nodeAuthorization() {
    return nodeAuthorization;
  }

  /** Whether a bearer token that is not the admin's may be a service-account token (cheap, no store access). */
  public boolean mayBeServiceAccountToken(String token) {
    return tokens.claimsThisIssuer(token);
  }

  /**
   * Who a service-account bearer token authenticates, for the API audiences, or empty when it does
   * not (kube-apiserver's service-account authenticator). Blocks on the store: call it off the event loop.
   */
  public Optional<TokenUser> authenticateServiceAccount(String token) {
    try {
      return tokens.authenticate(token, List.of(), registry::find);
    } catch (TokenRejected e) {
      log.debug("bearer token rejected: {}", e.getMessage());
      return Optional.empty();
    }
  }

  /** Paths anyone may read without a token, as kube-apiserver's system:public-info-viewer allows. */
  public static boolean isPublic(String path) {
    return path.equals("/healthz") || path.equals("/livez") || path.equals("/readyz") || path.equals("/version")
        || path.equals("/version/");
  }

  /**
   * For {@code GET pods/{name}/log?follow=true}: where the node agent streams that container's log.
   * Streaming requests are relayed by the HTTP layer; this only resolves and checks them.
   */
  public java.net.URI followLogs(ResourcePath path, ApiRequest request) throws ApiException {
    return resources.logs().nodeUri(path, request, true);
  }

  /** Whether {@code request} is {@code GET .../pods/{name}/log?follow=true}. */
  public static boolean isLogFollow(ResourcePath path, ApiRequest request) {
    return "GET".equals(request.method()) && "log".equals(path.subresource())
        && "pods".equals(path.type().plural()) && path.name() != null && "true".equals(request.param("follow"));
  }

  private static final List<String> POD_STREAMS = List.of("exec", "attach", "portforward");

  /** Whether {@code path} is {@code pods/{name}/exec}, {@code attach} or {@code portforward}. */
  public static boolean isPodStream(ResourcePath path) {
    return "pods".equals(path.type().plural()) && path.name() != null && path.subresource() != null
        && POD_STREAMS.contains(path.subresource());
  }

  /**
   * For {@code pods/{name}/exec|portforward}: where the node agent serves that stream. The HTTP
   * layer relays the upgrade; this only resolves and checks the request.
   */
  public java.net.URI podStream(ResourcePath path, ApiRequest request) throws ApiException {
    return streams.nodeUri(path, request);
  }

  /**
   * For {@code services|pods/{id}/proxy/...}: the backend's {@code scheme://host:port}. The HTTP
   * layer relays the request; this only resolves it.
   */
  public java.net.URI proxyTarget(ProxyPath path) throws ApiException {
    return proxies.resolve(path);
  }

  /** One signing key per JVM for routers built without one, generated when first needed. */
  private static final class EphemeralKey {
    static final ServiceAccountKey KEY = ServiceAccountKey.generate();
  }

  public ApiResponse handle(ApiRequest request) {
    try {
      return inPreferredFormat(request, route(request));
    } catch (ApiException e) {
      return ApiResponse.error(e);
    } catch (RuntimeException e) {
      log.error("{} {} failed", request.method(), request.path(), e);
      return ApiResponse.error(ApiException.internal(e.toString()));
    } catch (StackOverflowError e) {
      // an input nested beyond what the readers bound: the request fails, the thread and client do not hang
      log.warn("{} {}: stack overflow (a body nested too deeply?)", request.method(), request.path());
      return ApiResponse.error(ApiException.badRequest("the request body is nested too deeply to be read"));
    }
  }

  /** A JSON answer re-encoded as YAML for a client that asks for YAML first. */
  private static ApiResponse inPreferredFormat(ApiRequest request, ApiResponse response) {
    if (!request.prefersYaml() || !response.contentType().equals("application/json")) {
      return response;
    }
    try {
      byte[] yaml = Json.YAML.writeValueAsBytes(Json.parse(response.body()));
      return new ApiResponse(response.status(), "application/yaml", yaml, response.warnings(),
          response.retryAfterSeconds(), response.headers());
    } catch (IOException e) {
      return response;
    }
  }

  private ApiResponse route(ApiRequest request) throws ApiException {
    String path = request.path().length() > 1 && request.path().endsWith("/")
        ? request.path().substring(0, request.path().length() - 1)
        : request.path();
    switch (path) {
      case "/healthz", "/livez", "/readyz" -> {
        return ApiResponse.text(200, "ok");
      }
      case "/version" -> {
        return ApiResponse.json(200, Discovery.version(gantryVersion));
      }
      case "/api", "/apis" -> {
        // both forms are served at one URL, chosen by the Accept header: caches must key on it
        return AggregatedDiscovery.answer(path, request).orElseGet(() -> ApiResponse.json(200,
            path.equals("/api") ? Discovery.coreVersions() : Discovery.groupList()).withHeader("Vary", "Accept"));
      }
      case "/openapi/v2" -> {
        // An empty protobuf Document: kubectl's client-side validation passes and it falls back to
        // its compiled-in types for strategic merge patches.
        return new ApiResponse(200, "application/octet-stream", new byte[0]);
      }
      default -> {
        // fall through to the prefix routes below
      }
    }
    if (path.equals("/api/v1")) {
      return ApiResponse.json(200, Discovery.resources("v1").orElseThrow());
    }
    if (path.startsWith("/apis/")) {
      String[] parts = path.substring("/apis/".length()).split("/");
      if (parts.length == 1) {
        return Discovery.group(parts[0], true).map(g -> ApiResponse.json(200, g))
            .orElseThrow(ApiException::pathNotFound);
      }
      if (parts.length == 2) {
        return Discovery.resources(parts[0] + "/" + parts[1]).map(r -> ApiResponse.json(200, r))
            .orElseThrow(ApiException::pathNotFound);
      }
    }
    Optional<Map.Entry<AccessReviews.Review, String>> review = AccessReviews.at(path);
    if (review.isPresent()) {
      return AccessReviews.handle(review.get().getKey(), review.get().getValue(), request, tokenReviews);
    }
    Optional<ResourcePath> resource = ResourcePath.parse(path);
    if (resource.isEmpty()) {
      throw ApiException.pathNotFound();
    }
    if (request.acceptsNothingServed()) {
      throw ApiException.notAcceptable();
    }
    return resources.handle(resource.get(), request);
  }
}
