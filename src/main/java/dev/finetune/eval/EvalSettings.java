package dev.finetune.eval;

import java.nio.file.Path;

/**
 * How evaluations are run (the command line's flags; the config's eval_config holds the rest).
 *
 * @param modelDir where results go: {@code eval/} (COCO JSON, TensorBoard), {@code
 *     eval_metrics.jsonl}, {@code best/}
 * @param onTrainingData evaluate on train_input_reader (--eval_training_data)
 * @param sampleOneOfN evaluate one of every N examples (replaces the reader's
 *     sample_1_of_n_examples, as model_main.py does); 0 keeps the reader's
 * @param inputThreads threads decoding and resizing the eval images
 * @param intraOpThreads TensorFlow's intra-op threads (0: TensorFlow's choice; the first session
 *     of a process fixes them, see TENSORFLOW_JAVA_NOTES.md)
 * @param interOpThreads TensorFlow's inter-op threads (0: TensorFlow's choice)
 * @param bestMetric the metric that picks the best checkpoint (higher is better); null for {@link
 *     BestCheckpoint#DEFAULT_METRIC} (or the Pascal mAP when only Pascal metrics are computed)
 */
public record EvalSettings(
    Path modelDir,
    boolean onTrainingData,
    int sampleOneOfN,
    int inputThreads,
    int intraOpThreads,
    int interOpThreads,
    String bestMetric) {}
