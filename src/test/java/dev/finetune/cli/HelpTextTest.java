package dev.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What users read first: the command list and each command's --help. */
class HelpTextTest {
  private static final int TERMINAL_WIDTH = 80;

  @Test
  void everyCommandSummaryIsOneCompleteSentence() {
    for (Map.Entry<String, CommandLine> e : new CommandLine(new FinetuneCommand()).getSubcommands().entrySet()) {
      String[] description = e.getValue().getCommandSpec().usageMessage().description();
      // The command list shows only the first line: a sentence cut in two reads "..., the".
      assertThat(description).as(e.getKey()).isNotEmpty();
      assertThat(description[0]).as(e.getKey() + " summary").endsWith(".");
    }
  }

  @Test
  void footersAreWrittenForAnEightyColumnTerminal() {
    CommandLine root = new CommandLine(new FinetuneCommand());
    Map<String, CommandLine> commands = new java.util.LinkedHashMap<>(root.getSubcommands());
    commands.put("finetune", root);
    for (Map.Entry<String, CommandLine> e : commands.entrySet()) {
      // picocli re-wraps a longer footer line mid-word-group; JSON shapes then become unreadable.
      for (String line : e.getValue().getCommandSpec().usageMessage().footer()) {
        assertThat(line.length()).as(e.getKey() + " footer: " + line).isLessThan(TERMINAL_WIDTH);
      }
    }
  }

  @Test
  void seedOptionsShowAValueLabel() {
    assertThat(CliTestSupport.run("demo", "--help").out()).contains("--seed=N").doesNotContain("<seed>");
    assertThat(CliTestSupport.run("make_demo_data", "--help").out()).contains("--seed=N");
  }
}
