package dev.finetune.model.ssd;

/** A tiny SSD MobileNet V1 config (depth multiplier 0.25, 96×96, 2 classes) for fast tests. */
public final class SsdOverfitTestConfig {
  private SsdOverfitTestConfig() {}

  public static final String CONFIG =
      """
      ssd {
        num_classes: 2
        freeze_batchnorm: false
        image_resizer { fixed_shape_resizer { height: 96 width: 96 } }
        feature_extractor {
          type: "ssd_mobilenet_v1" depth_multiplier: 0.25 min_depth: 8
          conv_hyperparams {
            regularizer { l2_regularizer { weight: 4e-05 } }
            initializer { truncated_normal_initializer { stddev: 0.03 } }
            activation: RELU_6
            batch_norm { decay: 0.9 center: true scale: true epsilon: 0.001 train: true }
          }
          override_base_feature_extractor_hyperparams: true
        }
        box_coder { faster_rcnn_box_coder { y_scale: 10 x_scale: 10 height_scale: 5 width_scale: 5 } }
        matcher { argmax_matcher { matched_threshold: 0.5 unmatched_threshold: 0.5
                                   force_match_for_each_row: true } }
        similarity_calculator { iou_similarity {} }
        box_predictor { convolutional_box_predictor {
          conv_hyperparams {
            regularizer { l2_regularizer { weight: 4e-05 } }
            initializer { truncated_normal_initializer { stddev: 0.03 } }
            activation: RELU_6
            batch_norm { decay: 0.9 center: true scale: true epsilon: 0.001 train: true }
          }
          use_dropout: false kernel_size: 1 box_code_size: 4 } }
        anchor_generator { ssd_anchor_generator { num_layers: 6 min_scale: 0.2 max_scale: 0.95
          aspect_ratios: 1.0 aspect_ratios: 2.0 aspect_ratios: 0.5 } }
        post_processing {
          batch_non_max_suppression { score_threshold: 1e-8 iou_threshold: 0.6
                                      max_detections_per_class: 10 max_total_detections: 10 }
          score_converter: SIGMOID }
        loss {
          localization_loss { weighted_smooth_l1 {} }
          classification_loss { weighted_sigmoid {} }
          hard_example_miner { num_hard_examples: 3000 iou_threshold: 0.99 loss_type: CLASSIFICATION
                               max_negatives_per_positive: 3 }
          classification_weight: 1.0 localization_weight: 1.0
        }
      }
      """;
}
