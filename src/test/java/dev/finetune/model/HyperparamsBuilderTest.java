package dev.finetune.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import dev.finetune.config.ConfigException;
import dev.finetune.model.ConvHyperparams.RandomNormal;
import dev.finetune.model.ConvHyperparams.Regularizer;
import dev.finetune.model.ConvHyperparams.VarianceScaling;
import dev.finetune.proto.Hyperparams;
import org.junit.jupiter.api.Test;

class HyperparamsBuilderTest {

  static ConvHyperparams build(String text) throws Exception {
    Hyperparams.Builder b = Hyperparams.newBuilder();
    TextFormat.merge(text, b);
    return HyperparamsBuilder.build(b.build(), "x.conv_hyperparams");
  }

  @Test
  void readsEveryField() throws Exception {
    ConvHyperparams hp =
        build(
            "regularizer { l1_regularizer { weight: 0.5 } }"
                + " initializer { variance_scaling_initializer { factor: 1.0 uniform: true mode: FAN_AVG } }"
                + " activation: SWISH batch_norm { decay: 0.99 scale: true train: false }");
    assertThat(hp.activation()).isEqualTo(Activation.SWISH);
    assertThat(hp.regularizer()).contains(new Regularizer(Regularizer.Kind.L1, 0.5f));
    assertThat(hp.initializer())
        .isEqualTo(new VarianceScaling(1.0f, true, VarianceScaling.Mode.FAN_AVG));
    // Proto defaults: center true, epsilon 0.001.
    assertThat(hp.batchNorm().orElseThrow())
        .isEqualTo(new ConvHyperparams.BatchNormParams(0.99f, true, true, 0.001f, false));
    ConvHyperparams plain = build("initializer { random_normal_initializer { stddev: 0.5 } }");
    // Hyperparams' default activation is RELU; no regularizer, no batch norm (a bias instead).
    assertThat(plain.activation()).isEqualTo(Activation.RELU);
    assertThat(plain.regularizer()).isEmpty();
    assertThat(plain.batchNorm()).isEmpty();
    assertThat(plain.initializer()).isEqualTo(new RandomNormal(0f, 0.5f));
  }

  @Test
  void rejectsWhatCannotBeBuilt() {
    assertThatThrownBy(() -> build("activation: RELU_6"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("x.conv_hyperparams.initializer: not set");
    assertThatThrownBy(
            () -> build("initializer { truncated_normal_initializer { stddev: 0.0 } }"))
        .hasMessageContaining("x.conv_hyperparams.initializer.truncated_normal_initializer.stddev");
    assertThatThrownBy(
            () -> build("initializer { truncated_normal_initializer { stddev: 0.1 } } group_norm {}"))
        .hasMessageContaining("group_norm");
  }
}
