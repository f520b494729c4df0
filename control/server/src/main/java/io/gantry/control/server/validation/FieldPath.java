package io.gantry.control.server.validation;

/**
 * A field path printed like Kubernetes' {@code field.Path}: names joined by dots, list indexes and map
 * keys in brackets ({@code spec.containers[0].resources.limits[cpu]}).
 */
final class FieldPath {

  private final FieldPath parent;
  private final String name;
  private final String subscript;

  private FieldPath(FieldPath parent, String name, String subscript) {
    this.parent = parent;
    this.name = name;
    this.subscript = subscript;
  }

  static FieldPath root(String name, String... more) {
    FieldPath p = new FieldPath(null, name, null);
    return more.length == 0 ? p : p.child(more);
  }

  FieldPath child(String... names) {
    FieldPath p = this;
    for (String n : names) {
      p = new FieldPath(p, n, null);
    }
    return p;
  }

  FieldPath index(int i) {
    return new FieldPath(this, "", Integer.toString(i));
  }

  FieldPath key(String key) {
    return new FieldPath(this, "", key);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    append(b);
    return b.toString();
  }

  private void append(StringBuilder b) {
    if (parent != null) {
      parent.append(b);
    }
    if (!name.isEmpty()) {
      if (parent != null) {
        b.append('.');
      }
      b.append(name);
    } else {
      b.append('[').append(subscript == null ? "" : subscript).append(']');
    }
  }
}
