package io.gantry.control.server.auth;

import java.util.List;
import java.util.Map;

/**
 * Who a valid token authenticates, as a TokenReview's {@code status.user} shows it, and for which of
 * the requested audiences.
 *
 * @param extra written sorted by key, as Go's JSON encoder writes a map
 */
public record TokenUser(String username, String uid, List<String> groups, Map<String, List<String>> extra,
    List<String> audiences) {

  public TokenUser {
    groups = List.copyOf(groups);
    extra = Map.copyOf(extra);
    audiences = List.copyOf(audiences);
  }
}
