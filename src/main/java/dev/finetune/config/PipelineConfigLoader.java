package dev.finetune.config;

import dev.finetune.proto.TrainEvalPipelineConfig;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a {@code pipeline.config} as the Object Detection API reads it: text-format parse, then
 * command-line overrides ({@code --set}, {@code --num_train_steps}), then the deprecation rules,
 * then semantic checks (whether the files
 * it names exist is {@code preflight.Preflight}'s step). The one entry point for every command that takes a config.
 */
public final class PipelineConfigLoader {
  private PipelineConfigLoader() {}

  /**
   * @param path the config file (as typed by the user: {@code ~} and relative paths resolved)
   * @param overrides {@code FIELD_PATH=VALUE} strings from {@code --set}, applied in order
   * @param numTrainSteps {@code --num_train_steps}, or null to keep {@code train_config.num_steps}
   * @throws ConfigException when the file is missing or does not parse, or an override is bad;
   *     semantic problems are returned in {@link PipelineConfig#problems()} instead, so that
   *     validate_config can list them all
   */
  public static PipelineConfig load(Path path, List<String> overrides, Integer numTrainSteps) {
    Path file = UserPaths.resolve(path.toString());
    if (Files.isDirectory(file)) {
      throw new ConfigException(file + " is a directory; --pipeline_config_path takes the"
          + " pipeline.config file itself");
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("pipeline config not found: " + file
          + ". Check --pipeline_config_path (relative paths start at the working directory "
          + Path.of("").toAbsolutePath() + ").");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new ConfigException(file + " is not a text file (it is not UTF-8): a pipeline.config is"
          + " text such as model { ssd { ... } }. Pass the .config file, not a checkpoint, record or"
          + " archive.", e);
    } catch (IOException e) {
      throw new ConfigException("cannot read pipeline config " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file, overrides, numTrainSteps);
  }

  /** As {@link #load}, from text already read; {@code source} is used in messages only. */
  public static PipelineConfig parse(
      String text, Path source, List<String> overrides, Integer numTrainSteps) {
    if (hasNoContent(text)) {
      throw new ConfigException(source + " is empty (nothing but blanks or comments): a pipeline"
          + " config needs at least model { ... } and train_config { ... }. Start from"
          + " configs/ssd_mobilenet_v1_demo.config or a model zoo pipeline.config.");
    }
    TextProtoParser.Parsed<TrainEvalPipelineConfig> parsed =
        TextProtoParser.parse(text, source.toString(), TrainEvalPipelineConfig.newBuilder());
    TrainEvalPipelineConfig.Builder builder = parsed.message().toBuilder();
    for (String override : overrides) {
      FieldOverrides.apply(builder, override);
    }
    if (numTrainSteps != null) {
      if (numTrainSteps < 0) {
        throw new ConfigException("--num_train_steps must be >= 0, got " + numTrainSteps);
      }
      builder.getTrainConfigBuilder().setNumSteps(numTrainSteps);
    }
    SourceLocator locator =
        new SourceLocator(source.toString(), TrainEvalPipelineConfig.getDescriptor(), parsed.locations());
    List<String> warnings = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    TrainEvalPipelineConfig effective = Deprecations.resolve(builder.build(), warnings);
    GraphRewriterNotice.warn(effective, warnings);
    ConfigValidator.validate(effective, locator, problems);
    return new PipelineConfig(effective, source, List.copyOf(warnings), List.copyOf(problems), locator);
  }

  private static boolean hasNoContent(String text) {
    return text.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
  }
}
