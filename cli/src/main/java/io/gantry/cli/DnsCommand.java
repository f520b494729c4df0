package io.gantry.cli;

import io.gantry.dns.DnsDaemon;
import io.gantry.dns.DnsDaemonConfig;
import io.gantry.dns.zone.ZoneConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gantry dns}: the in-cluster DNS server, from the control component or a folder of YAML. */
@Command(name = "dns", mixinStandardHelpOptions = true,
    description = "Serve the cluster zone (Kubernetes DNS specification 1.1.0) over UDP and TCP and forward other "
        + "names upstream with a cache.")
final class DnsCommand implements Callable<Integer> {

  @Option(names = "--manifests", paramLabel = "DIR",
      description = "Static mode: answer from the Namespaces, Services, EndpointSlices and Pods in this folder of "
          + "YAML files, picking up changes.")
  Path manifests;

  @Option(names = "--control", paramLabel = "HOST:PORT",
      description = "Control-driven mode: subscribe to the control component's DataPlane stream here.")
  String control;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:1053",
      description = "UDP and TCP address to serve (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--zone", paramLabel = "DOMAIN", defaultValue = "cluster.local",
      description = "The cluster domain (default: ${DEFAULT-VALUE}).")
  String zone;

  @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "5",
      description = "TTL of cluster records, as CoreDNS's kubernetes plugin (default: ${DEFAULT-VALUE}).")
  int ttl;

  @Option(names = "--negative-ttl", paramLabel = "SECONDS", defaultValue = "5",
      description = "SOA minimum: how long NXDOMAIN and NODATA may be cached (default: ${DEFAULT-VALUE}).")
  int negativeTtl;

  @Option(names = "--upstream", paramLabel = "HOST[:PORT]",
      description = "Resolver for names outside the zone; repeatable (default: the nameservers of /etc/resolv.conf).")
  List<String> upstreams = new ArrayList<>();

  @Option(names = "--stub-domain", paramLabel = "SUFFIX=HOST[:PORT][,HOST[:PORT]...]",
      description = "Send names under SUFFIX to these resolvers; repeatable.")
  List<String> stubDomains = new ArrayList<>();

  @Option(names = "--no-forward", description = "Refuse names outside the zone instead of forwarding them.")
  boolean noForward;

  @Option(names = "--autopath", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Expand pods' search paths on the server (default: on).")
  boolean autopath;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "Event loops (default: one per core).")
  int threads;

  @Option(names = "--cache-size", paramLabel = "N", defaultValue = "10000",
      description = "Forwarded responses to cache (default: ${DEFAULT-VALUE}).")
  int cacheSize;

  @Option(names = "--upstream-timeout", paramLabel = "DURATION", defaultValue = "PT0.8S",
      description = "How long one upstream has to answer before the next is tried (default: ${DEFAULT-VALUE}).")
  Duration upstreamTimeout;

  @Option(names = "--serve-stale", paramLabel = "DURATION", defaultValue = "PT1H",
      description = "How long past expiry a cached answer may be served when no upstream answers "
          + "(default: ${DEFAULT-VALUE}).")
  Duration serveStale;

  @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "9153",
      description = "Port of /metrics, /healthz, /readyz on the listen host; 0 disables (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--node-name", paramLabel = "NAME", description = "Node name for the DataPlane subscription "
      + "(default: this host's name).")
  String nodeName;

  @Override
  public Integer call() throws Exception {
    DnsDaemonConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    DnsDaemon daemon = DnsDaemon.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.close();
      stopped.countDown();
    }, "gantry-dns-shutdown"));
    System.out.printf("gantry dns is serving %s on %s%n", config.zone().zone(), daemon.address());
    System.out.flush();
    stopped.await();
    return 0;
  }

  DnsDaemonConfig config() throws IOException {
    InetSocketAddress listenAddress = address(listen, 53, "--listen");
    List<InetSocketAddress> upstreamAddresses = new ArrayList<>();
    for (String upstream : upstreams) {
      upstreamAddresses.add(address(upstream, 53, "--upstream"));
    }
    if (upstreamAddresses.isEmpty() && !noForward) {
      upstreamAddresses.addAll(resolvConf(Path.of("/etc/resolv.conf"), listenAddress));
    }
    Map<String, List<InetSocketAddress>> stubs = new LinkedHashMap<>();
    for (String stub : stubDomains) {
      String[] parts = stub.split("=", 2);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException("--stub-domain: " + stub + " (expected: SUFFIX=HOST[:PORT][,...])");
      }
      List<InetSocketAddress> servers = new ArrayList<>();
      for (String server : parts[1].split(",")) {
        servers.add(address(server.trim(), 53, "--stub-domain"));
      }
      String suffix = parts[0].trim().toLowerCase(Locale.ROOT);
      stubs.put(suffix.endsWith(".") ? suffix : suffix + ".", servers);
    }
    InetSocketAddress admin = adminPort == 0 ? null : new InetSocketAddress(listenAddress.getAddress(), adminPort);
    String node = nodeName != null ? nodeName : InetAddress.getLocalHost().getHostName();
    return new DnsDaemonConfig(listenAddress, threads, new ZoneConfig(zone, ttl, negativeTtl), manifests,
        control == null ? null : address(control, 6444, "--control"), node, upstreamAddresses, stubs, !noForward,
        autopath, cacheSize, upstreamTimeout, serveStale, admin);
  }

  /** The nameservers of a resolv.conf, except this server itself. */
  static List<InetSocketAddress> resolvConf(Path file, InetSocketAddress self) throws IOException {
    List<InetSocketAddress> servers = new ArrayList<>();
    if (!Files.isReadable(file)) {
      return servers;
    }
    for (String line : Files.readAllLines(file)) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 2 && fields[0].equals("nameserver") && io.gantry.control.api.IpLiterals.isIp(fields[1])) {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(fields[1]), 53);
        if (!server.equals(self)) {
          servers.add(server);
        }
      }
    }
    return servers;
  }

  /** HOST, HOST:PORT or [V6]:PORT with literal addresses only (no name lookups). */
  static InetSocketAddress address(String text, int defaultPort, String option) {
    String host = text;
    int port = defaultPort;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      host = close > 0 ? text.substring(1, close) : text;
      if (close > 0 && close + 1 < text.length() && text.charAt(close + 1) == ':') {
        port = parsePort(text.substring(close + 2), text, option);
      }
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = parsePort(text.substring(text.indexOf(':') + 1), text, option);
    }
    if (!io.gantry.control.api.IpLiterals.isIp(host)) {
      throw new IllegalArgumentException(option + ": " + text + " (expected: IP[:PORT])");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (IOException e) {
      throw new IllegalArgumentException(option + ": " + text + " (expected: IP[:PORT])");
    }
  }

  private static int parsePort(String port, String text, String option) {
    try {
      int value = Integer.parseInt(port);
      if (value >= 0 && value <= 65535) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(option + ": " + text + " (expected: a port from 0 to 65535)");
  }
}
