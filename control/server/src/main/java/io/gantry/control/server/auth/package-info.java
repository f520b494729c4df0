/**
 * Service-account tokens, as kube-apiserver's {@code pkg/serviceaccount}: {@link
 * io.gantry.control.server.auth.ServiceAccountTokens} issues the signed JWTs that the TokenRequest
 * subresource hands out and validates them again for TokenReview (signature, issuer, expiry,
 * audiences, and the ServiceAccount and bound object still existing with the same uid); {@link
 * io.gantry.control.server.auth.JwtCodec} is the RS256 compact serialization underneath.
 */
package io.gantry.control.server.auth;
