package io.gantry.control.server.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rebases the links of an HTML page relayed through a {@code proxy} subresource, as
 * kube-apiserver's proxy transport does: an absolute-path URL ({@code /x}, or one on the backend's
 * own host) in a link attribute becomes {@code PREFIX/x}, where the prefix is the proxy path
 * ({@code /api/v1/namespaces/ns/pods/web/proxy}), so that the page's links keep going through the
 * proxy. Relative URLs and URLs of other hosts stay as they are, as does everything else in the
 * page, byte for byte (upstream re-serialises the tokens; Gantry edits only the attribute values).
 * Script and style contents are skipped.
 */
final class HtmlLinks {

  /** The link attributes of each element, as upstream's {@code atomsToAttrs}. */
  private static final Map<String, Set<String>> ATTRIBUTES = Map.ofEntries(
      Map.entry("a", Set.of("href")),
      Map.entry("applet", Set.of("codebase")),
      Map.entry("area", Set.of("href")),
      Map.entry("audio", Set.of("src")),
      Map.entry("base", Set.of("href")),
      Map.entry("blockquote", Set.of("cite")),
      Map.entry("body", Set.of("background")),
      Map.entry("button", Set.of("formaction")),
      Map.entry("command", Set.of("icon")),
      Map.entry("del", Set.of("cite")),
      Map.entry("embed", Set.of("src")),
      Map.entry("form", Set.of("action")),
      Map.entry("frame", Set.of("longdesc", "src")),
      Map.entry("head", Set.of("profile")),
      Map.entry("html", Set.of("manifest")),
      Map.entry("iframe", Set.of("longdesc", "src")),
      Map.entry("img", Set.of("longdesc", "src", "usemap")),
      Map.entry("input", Set.of("src", "usemap", "formaction")),
      Map.entry("ins", Set.of("cite")),
      Map.entry("link", Set.of("href")),
      Map.entry("object", Set.of("classid", "codebase", "data", "usemap")),
      Map.entry("q", Set.of("cite")),
      Map.entry("script", Set.of("src")),
      Map.entry("source", Set.of("src")),
      Map.entry("video", Set.of("poster", "src")));

  private HtmlLinks() {}

  /**
   * @param html    the page (decoded as ISO-8859-1, so that bytes survive unchanged)
   * @param prefix  the raw proxy path, without a trailing slash
   * @param backend the backend's {@code host:port}: absolute URLs to it are rebased too
   */
  static String rewrite(String html, String prefix, String backend) {
    StringBuilder out = new StringBuilder(html.length() + 256);
    int i = 0;
    int n = html.length();
    while (i < n) {
      int lt = html.indexOf('<', i);
      if (lt < 0 || lt + 1 >= n) {
        out.append(html, i, n);
        break;
      }
      out.append(html, i, lt);
      if (html.startsWith("<!--", lt)) {
        int end = html.indexOf("-->", lt + 4);
        int stop = end < 0 ? n : end + 3;
        out.append(html, lt, stop);
        i = stop;
        continue;
      }
      int nameEnd = lt + 1;
      while (nameEnd < n && Character.isLetterOrDigit(html.charAt(nameEnd))) {
        nameEnd++;
      }
      if (nameEnd == lt + 1 || !Character.isLetter(html.charAt(lt + 1))) {
        out.append('<');
        i = lt + 1;
        continue;
      }
      String tag = html.substring(lt + 1, nameEnd).toLowerCase(Locale.ROOT);
      i = tagAttributes(html, nameEnd, tag, prefix, backend, out.append(html, lt, nameEnd));
      if (tag.equals("script") || tag.equals("style")) {
        int close = html.toLowerCase(Locale.ROOT).indexOf("</" + tag, i);
        int stop = close < 0 ? n : close;
        out.append(html, i, stop);
        i = stop;
      }
    }
    return out.toString();
  }

  /** Copies the attributes of a start tag from {@code i}, rewriting link values; returns where the tag ends. */
  private static int tagAttributes(String html, int i, String tag, String prefix, String backend, StringBuilder out) {
    Set<String> links = ATTRIBUTES.getOrDefault(tag, Set.of());
    int n = html.length();
    while (i < n) {
      char c = html.charAt(i);
      if (c == '>') {
        out.append(c);
        return i + 1;
      }
      if (Character.isWhitespace(c) || c == '/' || c == '=') {
        out.append(c);
        i++;
        continue;
      }
      int nameStart = i;
      while (i < n && !Character.isWhitespace(html.charAt(i)) && "=>/".indexOf(html.charAt(i)) < 0) {
        i++;
      }
      String name = html.substring(nameStart, i).toLowerCase(Locale.ROOT);
      out.append(html, nameStart, i);
      int afterName = i;
      while (i < n && Character.isWhitespace(html.charAt(i))) {
        i++;
      }
      if (i >= n || html.charAt(i) != '=') {
        out.append(html, afterName, i);
        continue;
      }
      i++;
      while (i < n && Character.isWhitespace(html.charAt(i))) {
        i++;
      }
      out.append(html, afterName, i);
      if (i >= n) {
        break;
      }
      char quote = html.charAt(i);
      int valueStart;
      int valueEnd;
      if (quote == '"' || quote == '\'') {
        valueStart = i + 1;
        int close = html.indexOf(quote, valueStart);
        valueEnd = close < 0 ? n : close;
        out.append(quote);
        i = close < 0 ? n : close + 1;
      } else {
        quote = 0;
        valueStart = i;
        while (i < n && !Character.isWhitespace(html.charAt(i)) && html.charAt(i) != '>') {
          i++;
        }
        valueEnd = i;
      }
      String value = html.substring(valueStart, valueEnd);
      out.append(links.contains(name) ? url(value, prefix, backend) : value);
      if (quote != 0 && valueEnd < n) {
        out.append(quote);
      }
    }
    return n;
  }

  /** Upstream's {@code rewriteURL}: absolute paths on this backend move under the prefix. */
  static String url(String value, String prefix, String backend) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      return value;
    }
    String authority = uri.getRawAuthority();
    String path = uri.getRawPath();
    if (uri.isOpaque() || authority != null && !authority.equals(backend) || path == null || !path.startsWith("/")) {
      return value;
    }
    String rebased = path.startsWith(prefix + "/") || path.equals(prefix) ? path : prefix + path;
    StringBuilder out = new StringBuilder(rebased);
    if (uri.getRawQuery() != null) {
      out.append('?').append(uri.getRawQuery());
    }
    if (uri.getRawFragment() != null) {
      out.append('#').append(uri.getRawFragment());
    }
    return out.toString();
  }
}
