package io.gantry.cni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of the {@code gantry-cni} executable (run by the {@code bin/gantry-cni} launcher).
 *
 * <p>Order of checks, so that bad input changes nothing: stdin is read (code 5 on failure) and parsed
 * (so that every error carries the configuration's cniVersion), the environment validated (code 4),
 * a parse failure reported (code 6), the version and shared fields checked (codes 1 and 7); only then does a command touch the disk or the network. The mode
 * follows the CNI delegation model: when the configuration's {@code type} is this plugin's own name
 * it is the bridge plugin; otherwise it was invoked as the IPAM plugin ({@code ipam.type}) of another.
 */
public final class Main {
  /** Stdin larger than this is not a network configuration. */
  static final int MAX_STDIN = 1 << 20;
  /** This plugin's name in {@code type}; the launcher passes the name it was invoked by. */
  static final String DEFAULT_NAME = "gantry-cni";

  private Main() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
        StandardCharsets.UTF_8);
    int exit = run(System.getenv(), System.in, out);
    out.flush();
    // halt, not exit: Runtime.exit consults the system logger (java.lang.Runtime), whose set-up costs
    // more than a whole VERSION call; there are no shutdown hooks to run and stdout is flushed.
    Runtime.getRuntime().halt(exit);
  }

  /** Runs one invocation; returns the exit code. Never throws. */
  public static int run(Map<String, String> environment, InputStream stdin, PrintStream out) {
    String errorVersion = NetConf.LATEST;
    try {
      String input = readStdin(stdin);
      // Parsed before the environment is checked so that every error, code 4 included, carries the
      // configuration's cniVersion ("the same value as provided by the configuration").
      Object json = null;
      String malformed = null;
      if (!input.isBlank()) {
        try {
          json = Json.parse(input);
        } catch (IOException e) {
          malformed = firstLine(e.getMessage());
        }
      }
      String given = json instanceof Map<?, ?> map && map.get("cniVersion") instanceof String v
          && NetConf.wellFormedVersion(v) ? v : null;
      if (given != null) {
        errorVersion = given;
      }
      CniEnv env = CniEnv.from(environment);
      if (env.command() == CniEnv.Command.VERSION) {
        // The spec: the value of cniVersion given on input; like the reference plugins, VERSION never
        // fails on what stdin holds.
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("cniVersion", given != null ? given : NetConf.LATEST);
        version.put("supportedVersions", NetConf.SUPPORTED_VERSIONS);
        out.println(Json.write(version));
        return 0;
      }
      if (malformed != null) {
        throw new CniException(CniException.DECODING_FAILURE,
            "the network configuration on stdin is not valid JSON: " + malformed);
      }
      if (json == null) {
        throw new CniException(CniException.DECODING_FAILURE,
            "no network configuration on stdin (expected: a JSON object)");
      }
      NetConf conf = NetConf.from(json, env.command());
      String self = environment.getOrDefault("GANTRY_CNI_NAME", DEFAULT_NAME);
      Plugin plugin = conf.type().equals(self) ? new io.gantry.cni.bridge.BridgePlugin() : new IpamPlugin();
      switch (env.command()) {
        case ADD -> {
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("cniVersion", conf.cniVersion());
          result.putAll(plugin.add(env, conf));
          if (conf.before100()) {
            Results.addIpVersions(result);
          }
          out.println(Json.write(result));
        }
        case DEL -> plugin.del(env, conf);
        case CHECK -> plugin.check(env, conf);
        case GC -> plugin.gc(env, conf);
        case STATUS -> plugin.status(env, conf);
        case VERSION -> throw new AssertionError("handled above");
      }
      return 0;
    } catch (CniException e) {
      return fail(out, e, errorVersion);
    } catch (IOException | RuntimeException e) {
      return fail(out, new CniException(CniException.INTERNAL, e.getMessage() != null ? e.getMessage() : e.toString(),
          e.toString()), errorVersion);
    }
  }

  private static int fail(PrintStream out, CniException e, String version) {
    out.println(Json.write(e.toJson(version)));
    return 1;
  }

  private static String readStdin(InputStream stdin) throws CniException {
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int n;
      while ((n = stdin.read(chunk)) > 0) {
        buffer.write(chunk, 0, n);
        if (buffer.size() > MAX_STDIN) {
          throw new CniException(CniException.IO_FAILURE,
              "the network configuration on stdin is larger than " + MAX_STDIN + " bytes");
        }
      }
      return buffer.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CniException(CniException.IO_FAILURE, "cannot read the network configuration from stdin: "
          + e.getMessage());
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "malformed";
    }
    int cut = message.indexOf('\n');
    return cut < 0 ? message : message.substring(0, cut);
  }
}
