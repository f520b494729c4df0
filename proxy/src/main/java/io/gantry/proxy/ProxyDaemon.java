package io.gantry.proxy;

import io.gantry.common.admin.AdminServer;
import io.gantry.proxy.health.ProxyHealth;
import io.gantry.proxy.source.ControlSource;
import io.gantry.proxy.source.StaticManifestSource;
import io.gantry.proxy.table.RoutingSnapshot;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A whole proxy daemon: the {@link ProxyServer}, its configuration source (a manifest folder or
 * the control component) and, optionally, its admin port. What {@code gantry proxy} runs, and
 * what {@code gantry up} starts once per node.
 */
public final class ProxyDaemon implements AutoCloseable {

  private final ProxyServer proxy;
  private final AutoCloseable source;
  private final AdminServer admin;

  private ProxyDaemon(ProxyServer proxy, AutoCloseable source, AdminServer admin) {
    this.proxy = proxy;
    this.source = source;
    this.admin = admin;
  }

  /** Serves a folder of YAML; {@code admin} may be null (no admin port). */
  public static ProxyDaemon fromManifests(ProxyConfig config, Path dir, InetSocketAddress admin) throws Exception {
    ProxyServer proxy = ProxyServer.start(config);
    try {
      StaticManifestSource source = StaticManifestSource.start(dir, proxy, Duration.ofSeconds(1));
      return new ProxyDaemon(proxy, source, admin(proxy, admin, "manifests " + dir));
    } catch (Exception e) {
      proxy.close();
      throw e;
    }
  }

  /** Follows the control component's DataPlane stream; {@code admin} may be null. */
  public static ProxyDaemon fromControl(ProxyConfig config, InetSocketAddress control, InetSocketAddress admin)
      throws Exception {
    Objects.requireNonNull(control, "control");
    ProxyServer proxy = ProxyServer.start(config);
    ControlSource source = ControlSource.start(control, config.nodeName(), proxy);
    try {
      return new ProxyDaemon(proxy, source, admin(proxy, admin, "control " + control));
    } catch (Exception e) {
      source.close();
      proxy.close();
      throw e;
    }
  }

  private static AdminServer admin(ProxyServer proxy, InetSocketAddress address, String from) throws Exception {
    if (address == null) {
      return null;
    }
    return AdminServer.start(address, () -> proxy.metrics().render(), proxy::ready, () -> status(proxy, from),
        Map.of("/healthz", () -> json(proxy, false, proxy.health().healthz()),
            "/livez", () -> json(proxy, true, proxy.health().livez()),
            "/proxyMode", () -> new AdminServer.Response(200, "text/plain; charset=utf-8", PROXY_MODE)));
  }

  /** What {@code /proxyMode} answers: kube-proxy names its mode there; Gantry relays as its userspace mode did. */
  static final String PROXY_MODE = "userspace";

  private static AdminServer.Response json(ProxyServer proxy, boolean livez, ProxyHealth.Answer answer) {
    proxy.metrics().healthAnswered(livez, answer.status());
    return new AdminServer.Response(answer.status(), "application/json", answer.body());
  }

  private static String status(ProxyServer proxy, String from) {
    RoutingSnapshot table = proxy.snapshot();
    return "{\"role\":\"proxy\",\"node\":\"" + proxy.config().nodeName() + "\",\"source\":\""
        + from.replace("\\", "\\\\").replace("\"", "'") + "\",\"routingVersion\":" + table.version()
        + ",\"listeners\":" + table.listeners().size() + ",\"nodeAddresses\":" + literals(table.nodeAddresses())
        + ",\"connections\":" + proxy.connections().open() + ",\"lastApply\":" + lastApply(proxy.lastApply())
        + "}\n";
  }

  /** IP literals as a JSON array (no escaping needed: digits, dots, colons, hex). */
  private static String literals(List<InetAddress> addresses) {
    return addresses.stream().map(a -> "\"" + a.getHostAddress() + "\"")
        .collect(Collectors.joining(",", "[", "]"));
  }

  private static String lastApply(ProxyServer.LastApply last) {
    return "{\"version\":" + last.version() + ",\"servicesRebuilt\":" + last.servicesRebuilt() + ",\"micros\":"
        + last.nanos() / 1000 + ",\"buildMicros\":" + last.buildNanos() / 1000 + "}";
  }

  public ProxyServer proxy() {
    return proxy;
  }

  /** The admin address, or null without one. */
  public InetSocketAddress adminAddress() {
    return admin == null ? null : admin.localAddress();
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (Exception ignored) {
      // closing anyway
    }
    if (admin != null) {
      admin.close();
    }
    proxy.close();
  }
}
