/**
 * Object validation with Kubernetes' own messages. {@link io.gantry.control.server.validation.ObjectValidator}
 * is the entry point: it returns {@link io.gantry.control.server.validation.FieldError}s for a create or an
 * update and formats them into kube-apiserver's "is invalid" sentence. Per-kind rules live in small
 * package-private classes ({@code ServiceValidation}, {@code PodSpecValidation}, ...); string formats
 * (DNS names, label keys and values, port names) are in {@link io.gantry.control.server.validation.NameRules}.
 */
package io.gantry.control.server.validation;
