package dev.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README is the user's manual: every {@code finetune} command line it shows names a command that
 * exists and only flags that command takes, so a renamed flag cannot leave the manual behind.
 */
class ReadmeCommandsTest {
  private static final Path README = Path.of("README.md");
  private static final Pattern COMMAND_LINE =
      Pattern.compile("(?:^|\\s|`)(?:scripts/)?finetune((?:\\s+[^`|#\\n]*)?)");
  private static final Pattern FLAG = Pattern.compile("(?<![\\w-])(--[a-z][a-z0-9_-]*)");

  /** Flags of other programs the README names on purpose (the API's, Maven's, pip's). */
  private static final Set<String> FOREIGN_FLAGS =
      Set.of("--hparams_overrides", "--use_tpu", "--tpu_name", "--num_workers", "--eval_on_train_data",
          "--alsologtostderr", "--logdir", "--retries",
          "--flag" /* "--flag value" in prose */, "--deprecated" /* scripts/check_stock_configs.sh */);

  @Test
  void everyCommandLineInTheReadmeParses() throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (String line : codeBlockLines()) {
      Matcher m = COMMAND_LINE.matcher(line);
      if (!m.find()) {
        continue;
      }
      List<String> words = words(m.group(1));
      CommandLine command = new CommandLine(new FinetuneCommand());
      if (!words.isEmpty() && command.getSubcommands().containsKey(words.get(0))) {
        command = command.getSubcommands().get(words.get(0));
      } else if (!words.isEmpty() && !words.get(0).startsWith("-")) {
        problems.add("unknown command '" + words.get(0) + "' in: " + line.strip());
        continue;
      }
      for (String word : words) {
        Matcher flag = FLAG.matcher(word);
        if (flag.lookingAt() && !hasOption(command, flag.group(1))) {
          problems.add(command.getCommandName() + " has no " + flag.group(1) + ": " + line.strip());
        }
      }
      checked++;
    }
    assertThat(checked).as("command lines found in the README's code blocks").isGreaterThan(10);
    assertThat(problems).isEmpty();
  }

  @Test
  void everyFlagTheReadmeNamesExistsSomewhere() throws IOException {
    String text = Files.readString(README);
    CommandLine root = new CommandLine(new FinetuneCommand());
    List<String> unknown = new ArrayList<>();
    Matcher m = FLAG.matcher(text);
    while (m.find()) {
      String flag = m.group(1);
      boolean known = FOREIGN_FLAGS.contains(flag) || hasOption(root, flag)
          || root.getSubcommands().values().stream().anyMatch(c -> hasOption(c, flag));
      if (!known && !unknown.contains(flag)) {
        unknown.add(flag);
      }
    }
    assertThat(unknown).as("flags the README names that no command takes").isEmpty();
  }

  private static boolean hasOption(CommandLine command, String flag) {
    return command.getCommandSpec().findOption(flag) != null;
  }

  /** Each command line in fenced code blocks, continuation lines joined. */
  private static List<String> codeBlockLines() throws IOException {
    List<String> lines = new ArrayList<>();
    boolean inBlock = false;
    StringBuilder pending = new StringBuilder();
    for (String line : Files.readAllLines(README)) {
      if (line.startsWith("```")) {
        inBlock = !inBlock;
        continue;
      }
      if (!inBlock) {
        continue;
      }
      String code = line.replaceAll("\\s+#\\s.*$", "");
      if (code.endsWith("\\")) {
        pending.append(code, 0, code.length() - 1).append(' ');
        continue;
      }
      pending.append(code);
      lines.add(pending.toString());
      pending.setLength(0);
    }
    return lines;
  }

  /** The words of a command line, with synopsis brackets and alternatives removed. */
  private static List<String> words(String args) {
    List<String> words = new ArrayList<>();
    for (String word : args.trim().split("\\s+")) {
      String bare = word.replaceAll("[\\[\\]]", "");
      if (!bare.isEmpty()) {
        words.add(bare);
      }
    }
    return words;
  }
}
