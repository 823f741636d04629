package dev.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.Fixtures;
import dev.finetune.data.example.Annotations;
import dev.finetune.data.example.ExampleDecoder;
import dev.finetune.data.example.ImageCodec;
import dev.finetune.data.labelmap.LabelMapFile;
import dev.finetune.data.tfrecord.InputPaths;
import dev.finetune.data.tfrecord.TfRecord;
import dev.finetune.data.tfrecord.TfRecordReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandsTest {
  /** The ducky boxes of ../shared/fixtures/README.md: ymin, xmin, ymax, xmax. */
  private static final Map<String, double[]> DUCKS = Map.of(
      "robertducky1.jpg", new double[] {0.436, 0.591, 0.629, 0.712},
      "robertducky2.jpg", new double[] {0.539, 0.583, 0.730, 0.710},
      "robertducky3.jpg", new double[] {0.464, 0.414, 0.626, 0.548},
      "robertducky4.jpg", new double[] {0.313, 0.308, 0.648, 0.526},
      "robertducky5.jpg", new double[] {0.256, 0.444, 0.484, 0.629});

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Cli.run(new PrintWriter(out), new PrintWriter(err), args);
  }

  @Test
  void duckyCsvInPixelsBecomesRecordsWithTheTableBoxes() throws IOException {
    Path images = Fixtures.get("ducky/train");
    StringBuilder csv = new StringBuilder("filename,xmin,ymin,xmax,ymax,label\n");
    DUCKS.forEach((name, b) -> csv.append(String.format("%s,%.3f,%.3f,%.3f,%.3f,rubber_ducky%n",
        name, b[1] * 853, b[0] * 640, b[3] * 853, b[2] * 640)));
    Files.writeString(dir.resolve("ducky.csv"), csv);
    assertThat(run("create_tfrecord", "--from", "csv", "--images", images.toString(),
        "--annotations", dir.resolve("ducky.csv").toString(), "--output", dir.resolve("out/ducky").toString(),
        "--num_shards", "2")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Wrote 5 images with 5 boxes into 2 shards");
    assertThat(LabelMapFile.load(dir.resolve("out/label_map.pbtxt")).idOf("rubber_ducky")).isEqualTo(1);

    Map<String, Annotations> read = readAll(dir + "/out/ducky-?????-of-00002");
    assertThat(read).containsOnlyKeys(DUCKS.keySet());
    read.forEach((name, a) -> {
      double[] want = DUCKS.get(name);
      assertThat(a.numBoxes()).isEqualTo(1);
      for (int k = 0; k < 4; k++) {
        assertThat((double) a.boxes()[k]).as(name + " coordinate " + k).isCloseTo(want[k], within(1e-5));
      }
      assertThat(a.classes()).containsExactly(1);
      assertThat(a.classTexts()).containsExactly("rubber_ducky");
      assertThat(a.format()).isEqualTo("jpeg");
      assertThat(a.width()).isEqualTo(853);
      assertThat(a.height()).isEqualTo(640);
    });

    assertThat(run("inspect_records", dir + "/out/ducky-*", "--draw", dir.resolve("draw").toString(), "--count", "5"))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("Records: 5 good, 0 damaged").contains("rubber_ducky");
    try (var pngs = Files.list(dir.resolve("draw"))) {
      List<Path> files = pngs.toList();
      assertThat(files).hasSize(5);
      BufferedImage img = ImageIO.read(files.get(0).toFile());
      assertThat(img.getWidth()).isEqualTo(853);
    }
  }

  @Test
  void normalizedCsvAndSkippedBoxesAndImagesAreReported() throws IOException {
    Path images = Files.createDirectories(dir.resolve("img"));
    writeImage(images.resolve("a.png"), 40, 20);
    writeImage(images.resolve("b.jpg"), 40, 20);
    Files.write(images.resolve("broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 0, 1, 2});
    Files.writeString(dir.resolve("n.csv"), String.join("\n",
        "filename,xmin,ymin,xmax,ymax,label",
        "a.png,0.1,0.2,0.5,0.6,cat",
        "a.png,0.5,0.2,0.4,0.6,cat",
        "b.jpg,0.0,0.0,1.0,1.0,dog",
        "b.jpg,0.2,0.2,1.7,0.6,dog",
        "missing.jpg,0.1,0.1,0.2,0.2,dog",
        "broken.jpg,0.1,0.1,0.2,0.2,dog", ""));
    assertThat(run("create_tfrecord", "--from", "csv", "--normalized", "--images", images.toString(),
        "--annotations", dir.resolve("n.csv").toString(), "--output", dir.resolve("n").toString()))
        .as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("Wrote 2 images with 2 boxes into 1 shard")
        .contains("Skipped images: 2")
        .contains("image file not found")
        .contains("does not decode")
        .contains("Skipped boxes: 2")
        .contains("n.csv:3 (a.png): empty or inverted box")
        .contains("n.csv:5 (b.jpg): box (0.2, 0.2, 1.7, 0.6) lies outside the unit square");
    Map<String, Annotations> read = readAll(dir.resolve("n-00000-of-00001").toString());
    assertThat(read.get("a.png").boxes()).containsExactly(0.2f, 0.1f, 0.6f, 0.5f);
    assertThat(read.get("a.png").format()).isEqualTo("png");
    assertThat(read.get("b.jpg").classes()).containsExactly(2);
  }

  @Test
  void vocFolderConverts() throws IOException {
    Path images = Files.createDirectories(dir.resolve("JPEGImages"));
    Path xml = Files.createDirectories(dir.resolve("Annotations"));
    writeImage(images.resolve("000001.jpg"), 100, 50);
    Files.writeString(xml.resolve("000001.xml"), """
        <annotation><filename>000001.jpg</filename><size><width>100</width><height>50</height></size>
          <object><name>person</name><difficult>1</difficult>
            <bndbox><xmin>10</xmin><ymin>5</ymin><xmax>60</xmax><ymax>45</ymax></bndbox></object>
          <object><name>car</name><difficult>0</difficult>
            <bndbox><xmin>0</xmin><ymin>0</ymin><xmax>100</xmax><ymax>50</ymax></bndbox></object>
        </annotation>""");
    assertThat(run("create_tfrecord", "--from", "voc", "--images", images.toString(),
        "--annotations", xml.toString(), "--output", dir.resolve("voc/train").toString())).as(err.toString()).isZero();
    Annotations a = readAll(dir + "/voc/train-00000-of-00001").get("000001.jpg");
    assertThat(a.boxes()).containsExactly(0.1f, 0.1f, 0.9f, 0.6f, 0f, 0f, 1f, 1f);
    assertThat(a.classTexts()).containsExactly("person", "car");
    assertThat(a.classes()).containsExactly(2, 1); // ids in name order: car 1, person 2
    assertThat(a.difficult()).containsExactly(true, false);
  }

  @Test
  void cocoJsonConvertsKeepingCategoryIdsAndImagesWithoutBoxes() throws IOException {
    Path images = Files.createDirectories(dir.resolve("images"));
    writeImage(images.resolve("x.jpg"), 200, 100);
    writeImage(images.resolve("y.jpg"), 200, 100);
    Files.writeString(dir.resolve("instances.json"), """
        {"images": [{"id": 7, "file_name": "x.jpg", "width": 200, "height": 100},
                    {"id": 8, "file_name": "y.jpg", "width": 200, "height": 100}],
         "annotations": [{"id": 1, "image_id": 7, "bbox": [20, 10, 100, 50], "category_id": 18, "iscrowd": 0},
                         {"id": 2, "image_id": 7, "bbox": [150, 50, 80, 10], "category_id": 3, "iscrowd": 1}],
         "categories": [{"id": 3, "name": "car"}, {"id": 18, "name": "dog"}]}""");
    assertThat(run("create_tfrecord", "--from", "coco", "--images", images.toString(),
        "--annotations", dir.resolve("instances.json").toString(), "--output", dir.resolve("coco").toString()))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("Wrote 2 images with 1 boxes").contains("Skipped boxes: 1")
        .contains("annotation 1 (id 2) (x.jpg): box (150.0, 50.0, 230.0, 60.0) lies outside the 200x100 image");
    Map<String, Annotations> read = readAll(dir.resolve("coco-00000-of-00001").toString());
    assertThat(read.get("x.jpg").classes()).containsExactly(18);
    assertThat(read.get("x.jpg").boxes()).containsExactly(0.1f, 0.1f, 0.6f, 0.6f);
    assertThat(read.get("y.jpg").numBoxes()).isZero();
    assertThat(LabelMapFile.load(dir.resolve("label_map.pbtxt")).idOf("dog")).isEqualTo(18);
  }

  @Test
  void makeDemoDataIsDeterministicAndInspectable() throws IOException {
    assertThat(run("make_demo_data", "--output", dir.resolve("a").toString(), "--num_train", "12", "--num_eval", "3",
        "--size", "64", "--seed", "4")).as(err.toString()).isZero();
    assertThat(run("make-demo-data", "--output", dir.resolve("b").toString(), "--num_train", "12", "--num_eval", "3",
        "--size", "64", "--seed", "4")).isZero();
    assertThat(Files.readAllBytes(dir.resolve("a/train.record"))).isEqualTo(Files.readAllBytes(dir.resolve("b/train.record")));
    assertThat(run("make_demo_data", "--output", dir.resolve("c").toString(), "--num_train", "12", "--num_eval", "3",
        "--size", "64", "--seed", "5")).isZero();
    assertThat(Files.readAllBytes(dir.resolve("c/train.record"))).isNotEqualTo(Files.readAllBytes(dir.resolve("a/train.record")));

    Map<String, Annotations> read = readAll(dir.resolve("a/train.record").toString());
    assertThat(read).hasSize(12);
    for (Annotations a : read.values()) {
      assertThat(a.format()).isEqualTo("jpeg");
      assertThat(a.numBoxes()).isBetween(1, 4);
      assertThat(a.height()).isEqualTo(64);
      assertThat(ImageCodec.sniffFormat(a.encoded())).isEqualTo("jpeg");
    }
    out.getBuffer().setLength(0);
    assertThat(run("inspect_records", dir + "/a/*.record", "--label_map", dir.resolve("a/label_map.pbtxt").toString()))
        .isZero();
    assertThat(out.toString()).contains("Files: 2").contains("Records: 15 good").contains("circle")
        .contains("square").contains("triangle");
  }

  @Test
  void inspectNamesDamagedRecordsAndExitsWithTheDataCode() {
    Path pets = Fixtures.get("records/pets_examples_CORRUPTED.record");
    assertThat(run("inspect_records", pets.toString())).isEqualTo(3);
    assertThat(out.toString()).contains("Records: 4 good, 6 damaged")
        .contains("record #0 (byte offset 0)").contains("record #9 (byte offset 782437)");
  }

  @Test
  void missingInputsAreDataErrors() {
    assertThat(run("inspect_records", dir + "/none-*.record")).isEqualTo(3);
    assertThat(err.toString()).contains("no record file matches");
    assertThat(run("create_tfrecord", "--from", "csv", "--images", dir.toString(), "--annotations",
        dir.resolve("no.csv").toString(), "--output", dir.resolve("o").toString())).isEqualTo(3);
    assertThat(err.toString()).contains("annotations not found");
  }

  @Test
  void noConvertibleImageIsAnErrorAndWritesNothing() throws IOException {
    Files.writeString(dir.resolve("x.csv"), "gone.jpg,1,1,5,5,cat\n");
    assertThat(run("create_tfrecord", "--from", "csv", "--images", dir.toString(), "--annotations",
        dir.resolve("x.csv").toString(), "--output", dir.resolve("x").toString())).isEqualTo(3);
    assertThat(err.toString()).contains("none of the 1 images could be converted").contains("gone.jpg");
    assertThat(dir.resolve("x-00000-of-00001")).doesNotExist();
    assertThat(dir.resolve("x-00000-of-00001.tmp")).doesNotExist();
  }

  private static void writeImage(Path file, int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    ImageIO.write(img, file.toString().endsWith(".png") ? "png" : "jpeg", file.toFile());
  }

  private static Map<String, Annotations> readAll(String glob) {
    Map<String, Annotations> out = new HashMap<>();
    List<Path> files = new ArrayList<>(InputPaths.expand(glob));
    for (Path f : files) {
      try (TfRecordReader r = TfRecordReader.open(f)) {
        for (TfRecord rec = r.next(); rec != null; rec = r.next()) {
          Annotations a = new ExampleDecoder(null).annotations(rec);
          out.put(a.sourceId(), a);
        }
      }
    }
    return out;
  }

  @Test
  void outputPathBlockedByAFileIsOneFileSystemErrorNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("taken"), "x");
    var r = CliTestSupport.run("make_demo_data", "--output", file.toString(), "--num_train", "1",
        "--num_eval", "1", "--size", "16");
    assertThat(r.exitCode()).isEqualTo(6);
    assertThat(r.err()).contains(file + " already exists and is in the way").contains("another output path");
    r = CliTestSupport.run("make_demo_data", "--output", file.resolve("sub").toString(), "--num_train", "1",
        "--num_eval", "1", "--size", "16");
    assertThat(r.exitCode()).isEqualTo(6);
    assertThat(r.err()).contains("cannot use " + file.resolve("sub") + ": Not a directory. Check that");
  }

  @Test
  void inspectingAnEmptyOrNonRecordFileSaysSoWithoutEmptyStatistics() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.record"));
    var r = CliTestSupport.run("inspect_records", empty.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.out()).contains("Records: 0 good, 0 damaged, 0 unusable").doesNotContain("Box size");
    assertThat(r.err()).contains("no records in " + empty + ": the file is empty");

    Path jpeg = dir.resolve("photo.jpg");
    writeImage(jpeg, 20, 10);
    r = CliTestSupport.run("inspect_records", jpeg.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.out()).contains("1 damaged").contains("not a TFRecord file").doesNotContain("Boxes per image");
    assertThat(r.err()).contains("every record is damaged or unusable");
  }

  @Test
  void aCsvPassedAsCocoJsonIsOneDataErrorWithItsPosition() throws IOException {
    Path csv = Files.writeString(dir.resolve("boxes.csv"), "filename,xmin,ymin,xmax,ymax,label\na.jpg,1,1,5,5,cat\n");
    var r = CliTestSupport.run("create_tfrecord", "--from", "coco", "--images", dir.toString(),
        "--annotations", csv.toString(), "--output", dir.resolve("o").toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains(csv + ": not valid JSON at line 1 column")
        .contains("--from coco takes a COCO instances JSON file")
        .doesNotContain("setStrictness").doesNotContain("https://").hasLineCount(1);
  }

  @Test
  void aBinaryFilePassedAsCsvIsADataErrorNotAnIoError() throws IOException {
    Path jpeg = dir.resolve("a.jpg");
    writeImage(jpeg, 20, 10);
    var r = CliTestSupport.run("create_tfrecord", "--from", "csv", "--images", dir.toString(),
        "--annotations", jpeg.toString(), "--output", dir.resolve("o").toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains(jpeg + ": not a text file").doesNotContain("Input length");
  }

  @Test
  void brokenVocXmlIsReportedOnceWithItsLine() throws IOException {
    Path voc = Files.createDirectories(dir.resolve("voc"));
    Files.writeString(voc.resolve("a.xml"), "<annotation><object>\n");
    java.io.PrintStream systemErr = System.err;
    java.io.ByteArrayOutputStream stray = new java.io.ByteArrayOutputStream();
    CliTestSupport.Result r;
    try {
      System.setErr(new java.io.PrintStream(stray, true));
      r = CliTestSupport.run("create_tfrecord", "--from", "voc", "--images", dir.toString(),
          "--annotations", voc.toString(), "--output", dir.resolve("o").toString());
    } finally {
      System.setErr(systemErr);
    }
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains(voc.resolve("a.xml") + ":2: not valid XML");
    assertThat(stray.toString()).doesNotContain("[Fatal Error]");
  }
}
