/**
 * The Object Detection API's {@code data_augmentation_options} and {@code image_resizer} in pure
 * Java, on {@link dev.finetune.data.DetectionExample}s ([H, W, 3] float pixels in [0, 255],
 * normalized boxes).
 *
 * <ul>
 *   <li>{@link dev.finetune.data.augment.Preprocessor#fromConfig} builds the augmentation steps
 *       (config order); {@link dev.finetune.data.augment.ImageResizers#fromConfig} the resize to
 *       the model's input. The pipeline applies {@code augment.andThen(resize)}; the feature
 *       extractor's normalization (e.g. MobileNet's 2 / 255 * x - 1) stays in the model graph.
 *   <li>Every step is an immutable {@link dev.finetune.data.ExampleTransform} that returns a new
 *       example and draws all randomness from the {@link java.util.Random} it is given, so a
 *       seeded generator per example makes the whole chain reproducible and resumable.
 *   <li>Pixel arithmetic follows TensorFlow's CPU kernels in float32 ({@link
 *       dev.finetune.data.augment.Resize}, {@link dev.finetune.data.augment.ColorOps}); the API
 *       resizes with {@code tf.compat.v1} kernels, i.e. half_pixel_centers = false.
 *   <li>Crop windows follow {@code sample_distorted_bounding_box}'s kernel ({@link
 *       dev.finetune.data.augment.CropSampler}); the random numbers themselves cannot match TF's.
 *   <li>Unlike the API, crops also filter {@code difficult} and {@code isCrowd} with the boxes,
 *       so every per-box field stays aligned.
 * </ul>
 */
package dev.finetune.data.augment;
