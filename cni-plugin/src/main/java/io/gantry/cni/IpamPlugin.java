package io.gantry.cni;

import io.gantry.cni.ipam.Ip;
import io.gantry.cni.ipam.Ipam;
import io.gantry.cni.ipam.IpamConfig;
import io.gantry.cni.ipam.Route;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The IPAM plugin mode (config {@code type} is another plugin, {@code ipam.type} names this one): the
 * abbreviated result of the spec's IP allocation section ({@code ips} without interface indexes,
 * {@code routes}, {@code dns}); the main plugin wires the interfaces.
 */
public final class IpamPlugin implements Plugin {

  @Override
  public Map<String, Object> add(CniEnv env, NetConf conf) throws CniException, IOException {
    IpamConfig config = Configs.ipam(conf);
    Configs.requireNetns(env);
    Map<String, Object> dns = Configs.dns(conf, config);
    List<Ipam.Lease> leases = new Ipam(config).allocate(env.containerId(), env.ifName(),
        Configs.requestedIps(env, conf));
    Map<String, Object> result = new LinkedHashMap<>();
    List<Object> ips = new ArrayList<>();
    for (Ipam.Lease lease : leases) {
      ips.add(lease.toJson());
    }
    result.put("ips", ips);
    if (!config.routes().isEmpty()) {
      List<Object> routes = new ArrayList<>();
      for (Route route : config.routes()) {
        routes.add(route.toJson());
      }
      result.put("routes", routes);
    }
    if (dns != null) {
      result.put("dns", dns);
    }
    return result;
  }

  @Override
  public void del(CniEnv env, NetConf conf) throws CniException, IOException {
    new Ipam(Configs.ipam(conf)).release(env.containerId(), env.ifName());
  }

  @Override
  public void check(CniEnv env, NetConf conf) throws CniException, IOException {
    checkReservation(env, conf, Configs.prevResult(conf, true));
  }

  /** CHECK's "IP reservations" part: the owner still holds every address of prevResult's ips. */
  public static void checkReservation(CniEnv env, NetConf conf, Map<String, Object> prev)
      throws CniException, IOException {
    Configs.requireNetns(env);
    List<Ip> held = new Ipam(Configs.ipam(conf)).held(env.containerId(), env.ifName());
    if (held.isEmpty()) {
      throw new CniException(CniException.CHECK_FAILED, "no address is reserved for container "
          + env.containerId() + " interface " + env.ifName() + " in network " + conf.name());
    }
    for (String address : Results.addresses(prev)) {
      Ip ip = Results.ipOf(address);
      if (!held.contains(ip)) {
        throw new CniException(CniException.CHECK_FAILED, "prevResult address " + address
            + " is not reserved for container " + env.containerId() + " interface " + env.ifName());
      }
    }
  }

  @Override
  public void gc(CniEnv env, NetConf conf) throws CniException, IOException {
    new Ipam(Configs.ipam(conf)).collectGarbage(Configs.validAttachments(conf));
  }

  @Override
  public void status(CniEnv env, NetConf conf) throws CniException, IOException {
    Configs.requireAddressesAvailable(Configs.ipam(conf));
  }
}
