package dev.finetune.data.labelmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.data.DataException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelMapFileTest {
  @TempDir Path dir;

  @Test
  void parsesTheApiFormatWithCommentsAndDisplayNames() {
    String text = "# pets\nitem {\n  id: 1\n  name: 'Abyssinian'\n}\n"
        + "item { name: \"/m/01g317\" id: 2 display_name: \"person\" }\n";
    LabelMap map = LabelMapFile.parse(text, "pets.pbtxt");
    assertThat(map.items()).extracting(LabelMap.Item::line).containsExactly(2, 6);
    assertThat(map.idOf("Abyssinian")).isEqualTo(1);
    assertThat(map.idOf("person")).isEqualTo(2);
  }

  @Test
  void duplicateIdNamesBothLines() {
    String text = "item {\n  id: 1\n  name: 'cat'\n}\nitem {\n  id: 2\n  name: 'dog'\n}\nitem {\n  id: 1\n  name: 'cow'\n}\n";
    assertThatThrownBy(() -> LabelMapFile.parse(text, "m.pbtxt"))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith("m.pbtxt:9: label map id 1 (\"cow\") is already used by \"cat\" at line 1");
  }

  @Test
  void syntaxErrorsGiveLineAndColumn() {
    assertThatThrownBy(() -> LabelMapFile.parse("item {\n  id: 1\n  nmae: 'cat'\n}\n", "m.pbtxt"))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith("m.pbtxt:3:")
        .hasMessageContaining("nmae");
    assertThatThrownBy(() -> LabelMapFile.parse("item {\n  name: 'cat'\n}\n", "m.pbtxt"))
        .hasMessageStartingWith("m.pbtxt:1: label map item \"cat\" has no id");
    assertThatThrownBy(() -> LabelMapFile.parse("item { id: 0 name: 'cat' }", "m.pbtxt"))
        .hasMessageContaining("reserved for the background");
  }

  @Test
  void missingFileIsAClearError() {
    assertThatThrownBy(() -> LabelMapFile.load(dir.resolve("none.pbtxt")))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> LabelMapFile.load("")).hasMessageContaining("no label map given");
  }

  @Test
  void writesWhatItReads() throws IOException {
    LabelMap map = LabelMap.of(List.of(new LabelMap.Item(1, "a \"quoted\" name"), new LabelMap.Item(3, "b", "Bee", 0)), "x");
    Path file = dir.resolve("out/label_map.pbtxt");
    LabelMapFile.write(map, file);
    LabelMap back = LabelMapFile.load(file);
    assertThat(back.toDict(false)).isEqualTo(map.toDict(false));
    assertThat(back.nameOf(3, true)).isEqualTo("Bee");
  }

  @Test
  void aPipelineConfigOrABinaryFileGivenAsLabelMapIsNamedAsSuch() throws IOException {
    String config = "model {\n  ssd { num_classes: 3 }\n}\ntrain_config { batch_size: 2 }\n";
    assertThatThrownBy(() -> LabelMapFile.parse(config, "pipeline.config"))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith("pipeline.config:1:1: unknown field \"model\" in StringIntLabelMap.")
        .hasMessageContaining("A label map is text of the form item {")
        .hasMessageNotContaining("object_detection.protos");
    Path binary = java.nio.file.Files.write(dir.resolve("photo.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff});
    assertThatThrownBy(() -> LabelMapFile.load(binary))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(binary + " is not a text file")
        .hasMessageNotContaining("Input length");
  }
}
