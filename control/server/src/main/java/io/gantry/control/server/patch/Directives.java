package io.gantry.control.server.patch;

/** The special keys of a strategic merge patch, and field-path helpers shared by its merge steps. */
final class Directives {

  /** {@code "$patch": "replace" | "delete" | "merge"} in a map or a list element. */
  static final String PATCH = "$patch";
  static final String REPLACE = "replace";
  static final String DELETE = "delete";
  static final String MERGE = "merge";
  /** {@code "$retainKeys": [names]}: after merging, the map keeps only these keys. */
  static final String RETAIN_KEYS = "$retainKeys";
  /** {@code "$setElementOrder/<list>": [...]}: the order of the merged list. */
  static final String SET_ELEMENT_ORDER = "$setElementOrder/";
  /** {@code "$deleteFromPrimitiveList/<list>": [values]}: values to remove from a list of scalars. */
  static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";

  private Directives() {}

  static boolean isDirective(String key) {
    return key.startsWith("$");
  }

  /** The path of member {@code name} of the map at {@code path}. */
  static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** A path as messages show it. */
  static String where(String path) {
    return path.isEmpty() ? "the top level" : path;
  }
}
