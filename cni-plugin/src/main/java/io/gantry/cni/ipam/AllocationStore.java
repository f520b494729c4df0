package io.gantry.cni.ipam;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Allocations on disk, in host-local's layout so a node can move between the two plugins: one file per
 * allocated address under {@code dataDir/<network>}, named by the address and holding
 * {@code <containerID>\r\n<ifname>}; {@code last_reserved_ip.<set>} remembers where the round-robin
 * search of each range set stopped.
 *
 * <p>Concurrency: plugin processes run in parallel for different containers. Every read-modify-write
 * happens inside {@link #locked}, which holds an exclusive {@link FileChannel#lock()} (a POSIX record
 * lock, released by the kernel if the process dies) on {@code dataDir/<network>/lock}. Reservation
 * files are additionally created with {@code CREATE_NEW}, so even a foreign writer could not make two
 * owners of one address. Inside one JVM (the plugin's server, {@code gantry-cni --serve}) calls run on
 * threads, and a JVM may hold only one lock on a file: a {@link ReentrantLock} per lock file queues them
 * first. (host-local itself locks with flock(2), which does not exclude POSIX locks:
 * do not run both plugins on one network at the same time.)
 */
public final class AllocationStore {
  private static final String LINE_BREAK = "\r\n";
  private static final int MAX_OWNER_FILE = 4096;
  /** Per lock file: this JVM's threads take it before the file lock (one per network, never removed). */
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final Path dir;

  public AllocationStore(Path dir) {
    this.dir = dir;
  }

  /** An address and who holds it. */
  public record Allocation(Ip ip, String containerId, String ifName) {
    boolean ownedBy(String id, String name) {
      return containerId.equals(id) && ifName.equals(name);
    }
  }

  /** Work done while holding the network's lock. */
  @FunctionalInterface
  public interface Locked<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code work} under the network's exclusive lock. With {@code create} false and no directory
   * yet there is nothing to lock and nothing stored: returns {@code ifAbsent} without creating anything.
   */
  public <T> T locked(boolean create, T ifAbsent, Locked<T> work) throws IOException {
    if (!Files.isDirectory(dir)) {
      if (!create) {
        return ifAbsent;
      }
      Files.createDirectories(dir);
    }
    Path lockFile = dir.resolve("lock");
    // by the real path: a JVM may hold one lock on a file, whichever path (a symlink, /var/run) leads to it
    ReentrantLock thisProcess = IN_PROCESS.computeIfAbsent(dir.toRealPath().resolve("lock"),
        file -> new ReentrantLock());
    thisProcess.lock();
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      channel.lock(); // released when the channel closes (or the process dies)
      return work.run();
    } finally {
      thisProcess.unlock();
    }
  }

  /** Every allocation of the network (files whose name is not an address are ignored). */
  public List<Allocation> all() throws IOException {
    List<Allocation> allocations = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.equals("lock") || name.startsWith("last_reserved_ip")) {
          continue;
        }
        Ip ip;
        try {
          ip = Ip.parse(name);
        } catch (IllegalArgumentException notAnAddress) {
          continue;
        }
        Allocation allocation = read(ip);
        if (allocation != null) {
          allocations.add(allocation);
        }
      }
    }
    return allocations;
  }

  /**
   * Every allocation, read without the lock: a reservation file is created and written by one writer,
   * so a reader at most misses one being written or removed at that moment. Empty when nothing was
   * ever stored.
   */
  public List<Allocation> snapshot() throws IOException {
    return Files.isDirectory(dir) ? all() : List.of();
  }

  /** Who holds {@code ip}, or null when nobody does. */
  public Allocation read(Ip ip) throws IOException {
    Path entry = dir.resolve(ip.toString());
    String owner;
    try {
      if (Files.size(entry) > MAX_OWNER_FILE) {
        return null;
      }
      owner = Files.readString(entry, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException gone) {
      return null;
    }
    int cut = owner.indexOf(LINE_BREAK);
    String id = cut < 0 ? owner : owner.substring(0, cut);
    String ifName = cut < 0 ? "" : owner.substring(cut + LINE_BREAK.length()).strip();
    return new Allocation(ip, id, ifName);
  }

  /** Reserves {@code ip} for the owner; false when someone already holds it. */
  public boolean reserve(Ip ip, String containerId, String ifName) throws IOException {
    try {
      Files.writeString(dir.resolve(ip.toString()), containerId + LINE_BREAK + ifName, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException taken) {
      return false;
    }
  }

  public void release(Ip ip) throws IOException {
    Files.deleteIfExists(dir.resolve(ip.toString()));
  }

  public Ip lastReserved(int rangeSet) throws IOException {
    Path file = dir.resolve("last_reserved_ip." + rangeSet);
    try {
      return Ip.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (NoSuchFileException | IllegalArgumentException none) {
      return null;
    }
  }

  public void setLastReserved(int rangeSet, Ip ip) throws IOException {
    Files.writeString(dir.resolve("last_reserved_ip." + rangeSet), ip.toString(), StandardCharsets.UTF_8);
  }
}
