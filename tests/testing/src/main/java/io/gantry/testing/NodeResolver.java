package io.gantry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's {@code /etc/resolv.conf}, whose search domains the kubelet appends to a ClusterFirst pod's. */
public final class NodeResolver {

  private NodeResolver() {}

  /** The domains of the last {@code search} line, each after a space (so "" when there are none). */
  public static String searchSuffix() throws IOException {
    Path file = Path.of("/etc/resolv.conf");
    String suffix = "";
    if (!Files.exists(file)) {
      return suffix;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] fields = line.replaceAll("[#;].*", "").trim().split("\\s+");
      if (fields[0].equals("search")) {
        StringBuilder domains = new StringBuilder();
        for (int i = 1; i < fields.length; i++) {
          String domain = fields[i].endsWith(".") ? fields[i].substring(0, fields[i].length() - 1) : fields[i];
          if (!domain.isEmpty()) {
            domains.append(' ').append(domain);
          }
        }
        suffix = domains.toString();
      }
    }
    return suffix;
  }
}
