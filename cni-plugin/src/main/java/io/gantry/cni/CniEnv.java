package io.gantry.cni;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code CNI_*} parameters of one invocation, validated for the command as the spec requires:
 * ADD and CHECK need {@code CNI_CONTAINERID}, {@code CNI_NETNS} and {@code CNI_IFNAME}; DEL needs the
 * container ID and interface name ({@code CNI_NETNS} is optional); VERSION, STATUS and GC need only
 * {@code CNI_COMMAND} (and read no {@code CNI_ARGS}, so a malformed one does not fail them).
 * Every invalid variable is named in one error (code 4).
 */
public record CniEnv(Command command, String containerId, String netns, String ifName,
    Map<String, String> args, List<String> path) {

  /** The commands of CNI 1.1. */
  public enum Command { ADD, DEL, CHECK, VERSION, STATUS, GC }

  private static final int MAX_CONTAINER_ID = 1024;
  private static final int MAX_ARGS = 8192;

  /**
   * {@code [A-Za-z0-9][A-Za-z0-9_.-]*}, the spec's rule for container IDs and network names, checked
   * without a regex (the plugin's start-up counts).
   */
  public static boolean validIdentifier(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-'))) {
        return false;
      }
    }
    return !id.isEmpty();
  }

  /** Reads and validates the environment. */
  public static CniEnv from(Map<String, String> env) throws CniException {
    String rawCommand = env.get("CNI_COMMAND");
    if (rawCommand == null || rawCommand.isEmpty()) {
      throw new CniException(CniException.INVALID_ENVIRONMENT,
          "CNI_COMMAND is not set (expected: ADD, DEL, CHECK, VERSION, STATUS or GC)");
    }
    Command command = null;
    for (Command known : Command.values()) { // not valueOf: its first call sets up reflection
      if (known.name().equals(rawCommand)) {
        command = known;
      }
    }
    if (command == null) {
      throw new CniException(CniException.INVALID_ENVIRONMENT,
          "CNI_COMMAND: " + rawCommand + " (expected: ADD, DEL, CHECK, VERSION, STATUS or GC)");
    }
    List<String> problems = new ArrayList<>();
    boolean attachment = command == Command.ADD || command == Command.DEL || command == Command.CHECK;
    String containerId = env.get("CNI_CONTAINERID");
    String netns = emptyToNull(env.get("CNI_NETNS"));
    String ifName = env.get("CNI_IFNAME");
    if (attachment) {
      if (containerId == null || containerId.isEmpty()) {
        problems.add("CNI_CONTAINERID is not set");
      } else if (containerId.length() > MAX_CONTAINER_ID || !validIdentifier(containerId)) {
        problems.add("CNI_CONTAINERID: " + abbreviate(containerId)
            + " (expected: an alphanumeric first character, then alphanumerics, '_', '.' or '-')");
      }
      if (ifName == null || ifName.isEmpty()) {
        problems.add("CNI_IFNAME is not set");
      } else {
        String why = invalidInterfaceName(ifName);
        if (why != null) {
          problems.add("CNI_IFNAME: " + abbreviate(ifName) + " (" + why + ")");
        }
      }
      if (netns == null && command != Command.DEL) {
        problems.add("CNI_NETNS is not set");
      }
    }
    Map<String, String> args = Map.of();
    String rawArgs = env.get("CNI_ARGS");
    if (attachment && rawArgs != null && !rawArgs.isEmpty()) { // VERSION, STATUS and GC read no CNI_ARGS
      if (rawArgs.length() > MAX_ARGS) {
        problems.add("CNI_ARGS is longer than " + MAX_ARGS + " characters");
      } else {
        args = new LinkedHashMap<>();
        for (String pair : rawArgs.split(";", -1)) {
          if (pair.isEmpty()) {
            continue;
          }
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            problems.add("CNI_ARGS: invalid pair " + abbreviate(pair) + " (expected: KEY=VALUE;KEY=VALUE)");
            break;
          }
          args.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new CniException(CniException.INVALID_ENVIRONMENT, String.join("; ", problems));
    }
    List<String> path = new ArrayList<>();
    String rawPath = env.get("CNI_PATH");
    if (rawPath != null) {
      for (String dir : rawPath.split(":")) {
        if (!dir.isEmpty()) {
          path.add(dir);
        }
      }
    }
    return new CniEnv(command, attachment ? containerId : null, netns, attachment ? ifName : null,
        Map.copyOf(args), List.copyOf(path));
  }

  /** Why {@code name} cannot be a Linux interface name, or null when it can. */
  public static String invalidInterfaceName(String name) {
    if (name.length() >= 16) {
      return "must be shorter than 16 characters";
    }
    if (name.equals(".") || name.equals("..")) {
      return "must not be '.' or '..'";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7e) {
        return "must not contain '/', ':', whitespace or non-ASCII characters";
      }
    }
    return null;
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  public static String abbreviate(String value) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return "'" + shown + "'";
  }
}
