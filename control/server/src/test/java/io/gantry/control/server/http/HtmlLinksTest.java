package io.gantry.control.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlLinksTest {

  private static final String P = "/api/v1/namespaces/ns/pods/web:80/proxy";

  @Test
  void rebasesAbsolutePathsInLinkAttributesOnly() {
    assertEquals("<A HREF=\"" + P + "/x?a=1#f\">x</A><img src=" + P + "/i.png alt=/not-a-link>"
            + "<form action='" + P + "/post'><p title=\"/t\">",
        HtmlLinks.rewrite("<A HREF=\"/x?a=1#f\">x</A><img src=/i.png alt=/not-a-link>"
            + "<form action='/post'><p title=\"/t\">", P, "10.0.0.5:80"));
  }

  @Test
  void leavesRelativeForeignAndAlreadyRebasedUrls() {
    String page = "<a href=\"rel/x\"></a><a href=\"http://other:80/x\"></a><a href=\"" + P + "/y\"></a>"
        + "<a href=\"mailto:a@b\"></a><a href></a>";
    assertEquals(page, HtmlLinks.rewrite(page, P, "10.0.0.5:80"));
  }

  @Test
  void urlsOnTheBackendHostLoseTheirHost() {
    assertEquals(P + "/x", HtmlLinks.url("http://10.0.0.5:80/x", P, "10.0.0.5:80"));
  }

  @Test
  void skipsCommentsScriptsAndStyles() {
    String page = "<!-- <a href=\"/c\"> --><script>if (a<b) x = '<a href=\"/s\">';</script>"
        + "<style>a{b:c}</style><a href=\"/after\">";
    assertEquals("<!-- <a href=\"/c\"> --><script>if (a<b) x = '<a href=\"/s\">';</script>"
        + "<style>a{b:c}</style><a href=\"" + P + "/after\">", HtmlLinks.rewrite(page, P, "h:1"));
  }
}
