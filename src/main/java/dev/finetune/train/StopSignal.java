package dev.finetune.train;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGINT and SIGTERM into a request to stop after the current step (the loop then saves a
 * checkpoint and exits with code 130). A second signal ends the process at once: the previous
 * checkpoint is intact either way.
 */
public final class StopSignal {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);
  private final AtomicBoolean requested = new AtomicBoolean();

  /** A signal that only {@link #request()} sets (tests, in-process use). */
  public static StopSignal manual() {
    return new StopSignal();
  }

  /** Catches SIGINT and SIGTERM for the rest of the process. */
  public static StopSignal onSignals() {
    StopSignal s = new StopSignal();
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> s.signalled(name));
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LOG.debug("cannot catch SIG{}: {}", name, e.getMessage());
      }
    }
    return s;
  }

  private void signalled(String name) {
    if (requested.getAndSet(true)) {
      LOG.warn("SIG{} again: stopping now without saving; the last checkpoint is intact", name);
      Runtime.getRuntime().halt(130);
    }
    LOG.warn("SIG{}: finishing this step, then saving a checkpoint (again to stop at once)", name);
  }

  public void request() {
    requested.set(true);
  }

  public boolean requested() {
    return requested.get();
  }
}
