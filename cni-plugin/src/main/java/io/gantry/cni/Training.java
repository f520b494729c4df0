package io.gantry.cni;

import io.gantry.cni.bridge.BridgePlugin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The workload the build runs once to train the start-up cache (see {@code src/main/bin/train.sh}):
 * every command through {@link Main#run} in IPAM mode against a scratch directory, plus the bridge
 * mode's configuration and error paths, so the classes of a real invocation are all in the cache.
 * The plugin's server runs it once at start, to warm up. Not part of the plugin's behaviour.
 */
public final class Training {
  private Training() {}

  public static void main(String[] args) throws IOException {
    Path scratch = Path.of(args[0]);
    Path netns = Files.createFile(scratch.resolve("netns"));
    Path resolv = Files.writeString(scratch.resolve("resolv.conf"),
        "nameserver 10.99.0.1\nsearch a.test\noptions ndots:5\n");
    String ipam = "{\"cniVersion\":\"1.1.0\",\"name\":\"train\",\"type\":\"bridge\",\"ipam\":{\"type\":\"gantry-cni\","
        + "\"dataDir\":\"" + scratch.resolve("data") + "\",\"ranges\":[[{\"subnet\":\"10.99.0.0/28\"}]],"
        + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]},\"dns\":{\"nameservers\":[\"10.99.0.1\"]}}";
    for (int i = 0; i < 3; i++) {
      call("VERSION", netns, "{\"cniVersion\":\"1.1.0\"}");
      String added = call("ADD", netns, ipam);
      Object prev = Json.parse(added);
      String check = ipam.substring(0, ipam.length() - 1) + ",\"prevResult\":" + Json.write(prev) + "}";
      call("CHECK", netns, check);
      call("DEL", netns, check);
      call("GC", netns, ipam.substring(0, ipam.length() - 1)
          + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"x\",\"ifname\":\"eth0\"}]}");
      call("STATUS", netns, ipam);
      call("ADD", scratch.resolve("missing"), ipam);
      // Static IP requests (CNI_ARGS IP, runtimeConfig.ips) and DNS from a resolv.conf.
      String requested = ipam.replace("\"routes\"", "\"resolvConf\":\"" + resolv + "\",\"routes\"")
          .replace("\"dns\":", "\"runtimeConfig\":{\"ips\":[\"10.99.0.9/28\"]},\"dns\":");
      call("ADD", netns, requested, "IgnoreUnknown=1;IP=10.99.0.9");
      call("ADD", netns, ipam, "IP=10.99.0.10"); // refused: the owner holds .9
      call("DEL", netns, requested);
      call("VERSION", netns, "not json");
      call("ADD", netns, "{not json");
      call("ADD", netns, "{\"cniVersion\":\"0.1.0\"}");
      String bridge = "{\"cniVersion\":\"1.1.0\",\"name\":\"train\",\"type\":\"gantry-cni\",\"bridge\":\"gantry9\","
          + "\"mtu\":1500,\"hairpinMode\":true,\"isDefaultGateway\":true,"
          + "\"ipam\":{\"dataDir\":\"" + scratch.resolve("data")
          + "\",\"ranges\":[[{\"subnet\":\"10.99.0.0/28\"}]]}}";
      call("STATUS", netns, bridge);
      call("ADD", scratch.resolve("missing"), bridge);
      // A bridge DEL of a pod whose veth does not exist touches no link, only the scratch IPAM data,
      // where the IPAM ADD before it left an address to release.
      call("ADD", netns, ipam);
      call("DEL", netns, bridge);
      BridgePlugin.hostVethName("train", "eth0");
      try {
        io.gantry.cni.bridge.IpTool.host("-V");
        io.gantry.cni.bridge.IpTool.startHostBatch(List.of()).finish(); // an empty batch changes nothing
      } catch (CniException ignored) {
        // no iproute2 on the build machine: the process classes were loaded all the same
      }
    }
  }

  private static String call(String command, Path netns, String stdin) {
    return call(command, netns, stdin, "IgnoreUnknown=1;K8S_POD_NAME=train");
  }

  private static String call(String command, Path netns, String stdin, String cniArgs) {
    Map<String, String> env = new HashMap<>();
    env.put("CNI_COMMAND", command);
    env.put("CNI_CONTAINERID", "train-" + command.length());
    env.put("CNI_NETNS", netns.toString());
    env.put("CNI_IFNAME", "eth0");
    env.put("CNI_ARGS", cniArgs);
    env.put("CNI_PATH", "/opt/cni/bin");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.run(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }
}
