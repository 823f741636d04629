package dev.finetune.data.labelmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.data.DataException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelMapTest {
  @Test
  void looksUpByNameThenDisplayName() {
    LabelMap map = LabelMap.of(List.of(
        new LabelMap.Item(0, "background", "", 1),
        new LabelMap.Item(1, "/m/01g317", "person", 2),
        new LabelMap.Item(3, "dog", "", 7)), "m.pbtxt");
    assertThat(map.size()).isEqualTo(2);
    assertThat(map.maxId()).isEqualTo(3);
    assertThat(map.idOf("person")).isEqualTo(1);
    assertThat(map.idOf("/m/01g317")).isEqualTo(1);
    assertThat(map.idOf("cat")).isEqualTo(-1);
    assertThat(map.nameOf(1, true)).isEqualTo("person");
    assertThat(map.nameOf(1, false)).isEqualTo("/m/01g317");
    assertThat(map.toDict(true)).containsExactly(java.util.Map.entry("person", 1), java.util.Map.entry("dog", 3));
  }

  @Test
  void rejectsId0DuplicatesAndEmptyMapsNamingLines() {
    assertThatThrownBy(() -> LabelMap.of(List.of(new LabelMap.Item(0, "cat", "", 3)), "m.pbtxt"))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("m.pbtxt:3")
        .hasMessageContaining("reserved for the background");
    assertThatThrownBy(() -> LabelMap.of(List.of(
            new LabelMap.Item(1, "cat", "", 1), new LabelMap.Item(1, "dog", "", 5)), "m.pbtxt"))
        .hasMessageContaining("m.pbtxt:5")
        .hasMessageContaining("id 1 (\"dog\") is already used by \"cat\" at line 1");
    assertThatThrownBy(() -> LabelMap.of(List.of(
            new LabelMap.Item(1, "cat", "", 1), new LabelMap.Item(2, "cat", "", 5)), "m.pbtxt"))
        .hasMessageContaining("m.pbtxt:5")
        .hasMessageContaining("name \"cat\" (id 2) is already used by id 1 at line 1");
    assertThatThrownBy(() -> LabelMap.of(List.of(), "m.pbtxt")).hasMessageContaining("no items");
  }
}
