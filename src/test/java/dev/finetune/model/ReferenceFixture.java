package dev.finetune.model;

import com.google.protobuf.TextFormat;
import dev.finetune.Fixtures;
import dev.finetune.Npy;
import dev.finetune.proto.DetectionModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The API's SSD MobileNet V1 reference outputs in ../shared/fixtures/odapi_reference. */
public final class ReferenceFixture {
  private ReferenceFixture() {}

  public static Path dir() {
    return Fixtures.get("odapi_reference");
  }

  public static Npy npy(String name) throws IOException {
    return Npy.read(dir().resolve(name));
  }

  /** The {@code model { ... }} block of pipeline_effective.config. */
  public static DetectionModel model() throws IOException {
    String text = Files.readString(dir().resolve("pipeline_effective.config"));
    return parseModelBlock(text);
  }

  /** Parses the top-level {@code model { ... }} block of a pipeline config text. */
  public static DetectionModel parseModelBlock(String text) throws IOException {
    int start = text.indexOf("model {");
    int open = text.indexOf('{', start);
    int depth = 0;
    int end = open;
    for (; end < text.length(); end++) {
      char c = text.charAt(end);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        break;
      }
    }
    DetectionModel.Builder b = DetectionModel.newBuilder();
    TextFormat.merge(text.substring(open + 1, end), b);
    return b.build();
  }
}
