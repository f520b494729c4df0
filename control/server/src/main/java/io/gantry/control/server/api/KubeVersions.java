package io.gantry.control.server.api;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orders API versions as kube-apiserver prefers them (its {@code CompareKubeAwareVersionStrings}):
 * GA before beta before alpha, higher numbers first, and versions not of the {@code v1beta2} form
 * last, alphabetically.
 */
final class KubeVersions {

  private static final Pattern KUBE = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  /** The most preferred version first. */
  static final Comparator<String> PREFERRED_FIRST = KubeVersions::compare;

  private KubeVersions() {}

  private static int compare(String a, String b) {
    Matcher ma = KUBE.matcher(a);
    Matcher mb = KUBE.matcher(b);
    boolean ka = ma.matches();
    boolean kb = mb.matches();
    if (!ka || !kb) {
      return ka ? -1 : kb ? 1 : a.compareTo(b);
    }
    int byStability = Integer.compare(stability(mb.group(2)), stability(ma.group(2)));
    if (byStability != 0) {
      return byStability;
    }
    int byMajor = Long.compare(Long.parseLong(mb.group(1)), Long.parseLong(ma.group(1)));
    if (byMajor != 0 || ma.group(3) == null) {
      return byMajor;
    }
    return Long.compare(Long.parseLong(mb.group(3)), Long.parseLong(ma.group(3)));
  }

  private static int stability(String qualifier) {
    return qualifier == null ? 2 : qualifier.equals("beta") ? 1 : 0;
  }
}
