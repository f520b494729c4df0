package io.gantry.proxy.balance;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** The pickers behind {@link Balancing}. */
final class Pickers {

  static final Picker RANDOM = targets -> targets[ThreadLocalRandom.current().nextInt(targets.length)];

  /** The target with the fewest open connections; ties go to a random one of them. */
  static final Picker LEAST_CONNECTIONS = targets -> {
    int n = targets.length;
    int start = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
    Target best = targets[start];
    int bestLoad = best.load().active();
    for (int i = 1; i < n && bestLoad > 0; i++) {
      Target t = targets[(start + i) % n];
      int load = t.load().active();
      if (load < bestLoad) {
        best = t;
        bestLoad = load;
      }
    }
    return best;
  };

  /** Two distinct random targets; the less loaded one wins (Mitzenmacher's power of two choices). */
  static final Picker POWER_OF_TWO = targets -> {
    int n = targets.length;
    if (n == 1) {
      return targets[0];
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    return targets[b].load().active() < targets[a].load().active() ? targets[b] : targets[a];
  };

  /** Each target in turn. */
  static final class RoundRobin implements Picker {
    private final AtomicInteger next = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

    @Override
    public Target pick(Target[] targets) {
      return targets[Math.floorMod(next.getAndIncrement(), targets.length)];
    }
  }

  private Pickers() {
  }
}
