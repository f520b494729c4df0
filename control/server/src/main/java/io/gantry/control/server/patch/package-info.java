/**
 * The patch engine: JSON patch (RFC 6902), JSON merge patch (RFC 7386), Kubernetes strategic merge
 * patch and the merge half of server-side apply (ownership is {@code managedfields}'s), as pure functions
 * over Jackson trees. Entry points:
 * {@link io.gantry.control.server.patch.Patches#apply} with a
 * {@link io.gantry.control.server.patch.PatchType} chosen from the request's Content-Type; which
 * lists merge by which key is the {@link io.gantry.control.server.patch.MergeKeys} table.
 */
package io.gantry.control.server.patch;
