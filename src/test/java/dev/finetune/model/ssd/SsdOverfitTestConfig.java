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

  /**
   * A tiny SSD MobileNet V1 FPN (levels 3 to 6, depth 16), the weight-shared predictor (2 tower
   * layers of 32), multiscale anchors and the sigmoid focal loss, as the stock RetinaNet configs.
   */
  public static final String FPN_CONFIG =
      """
      ssd {
        num_classes: 2
        freeze_batchnorm: false
        encode_background_as_zeros: true
        image_resizer { fixed_shape_resizer { height: 96 width: 96 } }
        feature_extractor {
          type: "ssd_mobilenet_v1_fpn" depth_multiplier: 0.25 min_depth: 8
          fpn { min_level: 3 max_level: 6 additional_layer_depth: 64 }
          conv_hyperparams {
            regularizer { l2_regularizer { weight: 4e-05 } }
            initializer { random_normal_initializer { stddev: 0.03 } }
            activation: RELU_6
            batch_norm { decay: 0.9 scale: true epsilon: 0.001 train: true }
          }
          override_base_feature_extractor_hyperparams: true
        }
        box_coder { faster_rcnn_box_coder { y_scale: 10 x_scale: 10 height_scale: 5 width_scale: 5 } }
        matcher { argmax_matcher { matched_threshold: 0.5 unmatched_threshold: 0.5
                                   force_match_for_each_row: true } }
        similarity_calculator { iou_similarity {} }
        box_predictor { weight_shared_convolutional_box_predictor {
          depth: 32 num_layers_before_predictor: 2 kernel_size: 3 class_prediction_bias_init: -4.6
          conv_hyperparams {
            regularizer { l2_regularizer { weight: 4e-05 } }
            initializer { random_normal_initializer { stddev: 0.03 } }
            activation: RELU_6
            batch_norm { decay: 0.9 scale: true epsilon: 0.001 train: true }
          } } }
        anchor_generator { multiscale_anchor_generator { min_level: 3 max_level: 6 anchor_scale: 4.0
          aspect_ratios: [1.0, 2.0, 0.5] scales_per_octave: 2 } }
        post_processing {
          batch_non_max_suppression { score_threshold: 1e-8 iou_threshold: 0.6
                                      max_detections_per_class: 10 max_total_detections: 10 }
          score_converter: SIGMOID }
        normalize_loss_by_num_matches: true
        normalize_loc_loss_by_codesize: true
        loss {
          localization_loss { weighted_smooth_l1 {} }
          classification_loss { weighted_sigmoid_focal { alpha: 0.25 gamma: 2.0 } }
          classification_weight: 1.0 localization_weight: 1.0
        }
      }
      """;
}
