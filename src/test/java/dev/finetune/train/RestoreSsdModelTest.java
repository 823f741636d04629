package dev.finetune.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.RestoreLoader;
import dev.finetune.checkpoint.RestorePlan;
import dev.finetune.checkpoint.RestoreReport;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.model.ModelVariable;
import dev.finetune.model.ReferenceFixture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/**
 * The project's SSD MobileNet V1 restored from the API's own pets checkpoint: every one of its 199
 * variables bit-identical after loading, global_step (int64) left at its initial value.
 */
class RestoreSsdModelTest {

  static List<RestorePlan.Variable> planVariables(Detector d) {
    return d.variables().stream()
        .map(v -> new RestorePlan.Variable(v.name(), v.shape(), v.dtypeName())).toList();
  }

  @Test
  void restoresEveryVariableOfTheApisCheckpointBitIdentical() throws Exception {
    try (Graph g = new Graph();
        CheckpointReader reader = CheckpointReader.open(ReferenceFixture.dir().resolve("init_ckpt"))) {
      Detector d = ModelBuilder.build(ReferenceFixture.model(), g, 1, 0);
      Map<String, String> all = new LinkedHashMap<>();
      Map<String, Operand<?>> refs = new LinkedHashMap<>();
      for (ModelVariable v : d.variables()) {
        refs.put(v.name(), v.variable());
        if (!v.name().equals("global_step")) {
          all.put(v.name(), v.name());
        }
      }
      RestorePlan plan = RestorePlan.plan(reader, "detection", planVariables(d), all,
          RestorePlan.Options.defaults());
      assertThat(plan.restoredCount()).isEqualTo(199);
      assertThat(RestoreReport.of(plan).summary()).isEqualTo(
          "restored 199/199 variables from init_ckpt (detection): FeatureExtractor 175/175,"
              + " BoxPredictor_* 24/24");
      RestoreLoader loader = RestoreLoader.build(g, plan, refs);
      try (Session s = new Session(g)) {
        Session.Runner init = s.runner();
        d.initializers().forEach(init::addTarget);
        init.run().close();
        assertThat(loader.load(s, reader)).isEqualTo(199);
        Session.Runner fetch = s.runner();
        List<ModelVariable> vars = d.variables();
        vars.forEach(v -> fetch.fetch(v.value()));
        try (Result r = fetch.run()) {
          for (int i = 0; i < vars.size(); i++) {
            Tensor t = r.get(i);
            byte[] got = new byte[(int) t.numBytes()];
            t.asRawTensor().data().read(got);
            String name = vars.get(i).name();
            if (name.equals("global_step")) {
              assertThat(got).containsOnly(0);
            } else {
              assertThat(got).as(name).isEqualTo(reader.readBytes(name));
            }
          }
        }
      }
    }
  }
}
