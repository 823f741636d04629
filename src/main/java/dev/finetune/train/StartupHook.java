package dev.finetune.train;

import dev.finetune.util.StartupTimeline;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says how long the command took to reach its first training step, phase by phase (each phase
 * with --verbose, one summary line always), and what the second step took: the first one also
 * pays TensorFlow's one-time graph optimization and memory allocation.
 */
final class StartupHook implements TrainHook {
  private static final Logger LOG = LoggerFactory.getLogger(StartupHook.class);
  private int stepsSeen;
  private double firstStepSeconds;

  @Override
  public void afterStep(StepResult result) {
    stepsSeen++;
    if (stepsSeen == 1) {
      firstStepSeconds = result.seconds();
      StartupTimeline.done("first step (first batch, graph optimization, run)");
      if (LOG.isDebugEnabled()) {
        StartupTimeline.phases().forEach(p -> LOG.debug(String.format(Locale.ROOT,
            "start-up phase %-52s %7.3f s%s%s", p.name(), p.seconds(),
            Double.isNaN(p.cpuSeconds()) ? "" : String.format(Locale.ROOT, " (cpu %.3f s)", p.cpuSeconds()),
            p.overlapped() ? " (beside the main thread)" : "")));
      }
      LOG.info("Command to first step: {}", StartupTimeline.summary());
    } else if (stepsSeen == 2) {
      LOG.debug(String.format(Locale.ROOT,
          "second step %.3f s (the first took %.3f s: one-time graph optimization and allocation)",
          result.seconds(), firstStepSeconds));
    }
  }
}
