/**
 * Label and field selectors as kube-apiserver parses and applies them to list and watch requests.
 * {@link io.gantry.control.server.selector.LabelSelector} parses the query-string syntax and
 * {@code metav1.LabelSelector} objects; {@link io.gantry.control.server.selector.FieldSelector} parses
 * field selectors and knows which fields each kind supports. Both are immutable once parsed.
 */
package io.gantry.control.server.selector;
