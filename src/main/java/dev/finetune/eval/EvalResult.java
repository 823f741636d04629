package dev.finetune.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One checkpoint's evaluation.
 *
 * @param step the checkpoint's global step (from its name, {@code model.ckpt-<step>})
 * @param checkpoint its prefix
 * @param metrics metric name to value, every evaluator's, in the API's order
 * @param images what the evaluators were given: each image's ground truth and detections
 */
public record EvalResult(long step, Path checkpoint, Map<String, Double> metrics, List<EvalImage> images) {}
