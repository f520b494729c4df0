/**
 * The daemon side of the DataPlane stream. {@link io.gantry.control.client.DataPlaneClient}
 * subscribes, validates every view, ACKs or NACKs each push, backs off and resumes after a
 * failure, and folds updates into an immutable {@link io.gantry.control.client.DataPlaneSnapshot}
 * that hot paths read without locks; a {@link io.gantry.control.client.DataPlaneListener} hears
 * what changed.
 */
package io.gantry.control.client;
