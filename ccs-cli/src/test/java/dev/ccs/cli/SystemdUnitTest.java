package dev.ccs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ccs.core.config.ExecutionConfig;
import dev.ccs.core.config.ShutdownConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's systemd unit: what it runs, and systemd's own check of it where systemd is installed. */
class SystemdUnitTest {

  @TempDir
  Path temp;

  private static String unit() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("README.md"))) {
      root = root.getParent();
    }
    Matcher m = Pattern.compile("```ini\\n(# /etc/systemd/system/ccs.service\\n.*?)```", Pattern.DOTALL)
        .matcher(Files.readString(root.resolve("README.md")));
    assertThat(m.find()).as("the README's unit").isTrue();
    return m.group(1);
  }

  @Test
  void theUnitRunsServeAsItsOwnUserWithTheServersFlagsAndTimeToDrain() throws Exception {
    String unit = unit();
    assertThat(unit).contains("User=ccs").doesNotContain("User=root").contains("KillMode=mixed")
        .contains("Restart=on-failure").containsPattern("ExecStart=\\S+java .* -jar \\S+ccs-cli.jar serve\\n");
    for (String flag : dev.ccs.cli.base.ServerProcess.JVM_OPTIONS) {
      if (!flag.equals("-XX:-UsePerfData")) {
        assertThat(unit).contains(flag);
      }
    }
    Matcher stop = Pattern.compile("TimeoutStopSec=(\\d+)").matcher(unit);
    assertThat(stop.find()).isTrue();
    long drain = ShutdownConfig.DEFAULT.grace().plus(ExecutionConfig.DEFAULT.killGracePeriod()).toSeconds();
    assertThat(Long.parseLong(stop.group(1))).isGreaterThan(drain);
  }

  @Test
  void systemdAnalyzeVerifyAcceptsIt() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed here");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    // The binary must exist where systemd looks; the rest as written.
    Path file = temp.resolve("ccs.service");
    Files.writeString(file, unit().replaceFirst("ExecStart=\\S+java ", "ExecStart=" + java + " "));
    Process process = new ProcessBuilder(analyze.toString(), "verify", file.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    // systemd only warns about a setting it cannot parse (and ignores it): a warning is a failure here.
    assertThat(output).as("what systemd-analyze said").isBlank();
  }
}
