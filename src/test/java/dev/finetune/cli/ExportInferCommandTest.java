package dev.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.data.example.ImageCodec;
import dev.finetune.data.example.RgbImage;
import dev.finetune.export.ExportCliFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** finetune export then finetune infer, run in-process as a user would. */
class ExportInferCommandTest {
  @TempDir Path dir;

  @Test
  void exportsThenInfersWritingJsonAndPngAndSurvivingABadImage() throws Exception {
    ExportCliFixture f = ExportCliFixture.create(dir);
    Path out = dir.resolve("exported");
    CliTestSupport.Result export = CliTestSupport.run("export", "--pipeline_config_path",
        f.config().toString(), "--trained_checkpoint_dir", f.trainDir().toString(),
        "--output_directory", out.toString());
    assertThat(export.exitCode()).as(export.err()).isZero();
    assertThat(export.out()).contains("(step 5)").contains("serving_default");

    CliTestSupport.Result again = CliTestSupport.run("export", "--pipeline_config_path",
        f.config().toString(), "--trained_checkpoint_prefix", f.prefix().toString(),
        "--output_directory", out.toString());
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("already exists").contains("--overwrite");

    Path good = dir.resolve("img/photo.png");
    Files.createDirectories(good.getParent());
    RgbImage rgb = ExportCliFixture.image(120, 90);
    Files.write(good, ImageCodec.encodePng(ImageCodec.toBufferedImage(rgb)));
    Path jpg = dir.resolve("img/other.jpg");
    Files.write(jpg, ImageCodec.encodeJpeg(ImageCodec.toBufferedImage(ExportCliFixture.image(96, 96)), 0.9f));
    Path bad = Files.writeString(dir.resolve("img/broken.png"), "not an image");
    Path results = dir.resolve("results");
    CliTestSupport.Result infer = CliTestSupport.run("infer", "--saved_model", out.toString(),
        "--images", good.toString(), bad.toString(), jpg.toString(), "--output_dir",
        results.toString(), "--min_score", "0");
    assertThat(infer.exitCode()).as(infer.err()).isEqualTo(3);
    assertThat(infer.out()).contains("broken.png: skipped").contains("2 of 3 images done");
    assertThat(results.resolve("photo.png")).isRegularFile();
    assertThat(results.resolve("other.png")).isRegularFile();
    assertThat(results.resolve("broken.json")).doesNotExist();
    assertThat(ImageCodec.decode(Files.readAllBytes(results.resolve("photo.png"))).width()).isEqualTo(90);

    JsonObject json = JsonParser.parseString(Files.readString(results.resolve("photo.json"))).getAsJsonObject();
    assertThat(json.get("height").getAsInt()).isEqualTo(120);
    var detections = json.getAsJsonArray("detections");
    assertThat(detections.size()).isEqualTo(json.get("num_detections").getAsInt()).isPositive();
    for (var e : detections) {
      JsonObject d = e.getAsJsonObject();
      int id = d.get("class_id").getAsInt();
      assertThat(d.get("class_name").getAsString()).isEqualTo(id == 1 ? "cat" : "Dog");
      var box = d.getAsJsonArray("box");
      var px = d.getAsJsonArray("box_pixels");
      assertThat(px.get(0).getAsFloat()).isCloseTo(box.get(0).getAsFloat() * 120, org.assertj.core.data.Offset.offset(1e-3f));
      assertThat(px.get(3).getAsFloat()).isCloseTo(box.get(3).getAsFloat() * 90, org.assertj.core.data.Offset.offset(1e-3f));
    }

    // The threshold filters: nothing of a random model reaches 0.9999.
    CliTestSupport.Result strict = CliTestSupport.run("infer", "--saved_model", out.toString(),
        "--images", good.toString(), "--output_dir", dir.resolve("strict").toString(),
        "--min_score", "0.9999");
    assertThat(strict.exitCode()).as(strict.err()).isZero();
    JsonObject none = JsonParser.parseString(Files.readString(dir.resolve("strict/photo.json"))).getAsJsonObject();
    assertThat(none.getAsJsonArray("detections")).isEmpty();
  }
}
