package dev.finetune.data.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.data.example.ExampleEncoder;
import dev.finetune.data.tools.DemoDataset.ShapeKind;
import dev.finetune.data.tools.DemoDataset.Task;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The demo's two synthetic tasks: the shapes they draw and the boxes and labels they write. */
class DemoDatasetTest {
  @Test
  void tasksShareTwoShapesAndDifferInTheRest() {
    assertThat(Task.PRETRAIN.classes()).containsExactly("circle", "square", "triangle");
    assertThat(Task.FINETUNE.classes()).containsExactly("circle", "triangle", "star", "cross");
    assertThat(DemoDataset.CLASSES).isEqualTo(Task.PRETRAIN.classes());
    assertThat(Task.FINETUNE.labelMap().toPbtxt()).contains("id: 3\n  name: \"star\"");
  }

  @Test
  void fineTuningImagesHaveEveryClassOfTheirTaskAndNoOther() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      DemoDataset.Sample s = DemoDataset.render(Task.FINETUNE, "x" + i, 96, 96, new Random(i));
      for (ExampleEncoder.Box b : s.boxes()) {
        assertThat(b.text()).isEqualTo(Task.FINETUNE.classes().get(b.label() - 1));
        assertThat(b.xmin()).isLessThan(b.xmax());
        assertThat(b.ymin()).isLessThan(b.ymax());
        seen.add(b.text());
      }
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(Task.FINETUNE.classes());
  }

  @Test
  void eachShapeFillsItsDeclaredShareOfItsSquareAndItsBoxIsTight() {
    int side = 200;
    for (ShapeKind kind : ShapeKind.values()) {
      BufferedImage img = new BufferedImage(side + 20, side + 20, BufferedImage.TYPE_BYTE_GRAY);
      Graphics2D g = img.createGraphics();
      g.setColor(Color.WHITE);
      Shape shape = kind.at(10, 10, side);
      g.fill(shape);
      g.dispose();
      int filled = 0;
      int minX = Integer.MAX_VALUE, maxX = -1, minY = Integer.MAX_VALUE, maxY = -1;
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          if ((img.getRaster().getSample(x, y, 0)) > 0) {
            filled++;
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
          }
        }
      }
      assertThat(filled / (double) (side * side)).as(kind.label()).isCloseTo(kind.areaFraction, within(0.02));
      Rectangle2D box = shape.getBounds2D();
      assertThat(box.getMinX()).as(kind.label()).isCloseTo(minX, within(1.5));
      assertThat(box.getMaxX()).as(kind.label()).isCloseTo(maxX + 1, within(1.5));
      assertThat(box.getMinY()).as(kind.label()).isCloseTo(minY, within(1.5));
      assertThat(box.getMaxY()).as(kind.label()).isCloseTo(maxY + 1, within(1.5));
    }
  }
}
