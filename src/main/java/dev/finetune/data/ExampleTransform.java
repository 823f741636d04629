package dev.finetune.data;

import java.util.Objects;
import java.util.Random;

/**
 * One step that turns a decoded example into another: an augmentation (the API's
 * {@code data_augmentation_options}), the image resizer, or a chain of them. The input pipeline
 * calls it on worker threads with a {@link Random} seeded per example from (seed, epoch, index), so
 * the result depends only on the example and that generator, never on thread scheduling.
 *
 * <p>Implementations must not mutate {@code example} (return a new one) and must draw every random
 * number from {@code rng} (no other source of randomness, no shared mutable state).
 */
@FunctionalInterface
public interface ExampleTransform {
  DetectionExample apply(DetectionExample example, Random rng);

  /** This transform, then {@code next}, both drawing from the same generator. */
  default ExampleTransform andThen(ExampleTransform next) {
    Objects.requireNonNull(next, "next");
    return (example, rng) -> next.apply(apply(example, rng), rng);
  }

  /** The transform that returns its input. */
  static ExampleTransform identity() {
    return (example, rng) -> example;
  }
}
