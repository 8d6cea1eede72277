package dev.ccs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.cli.base.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ServerProcessTest {

  /** {@code ccs start} runs the server as the README tells users to: the heap chosen there holds the bounds. */
  @Test
  void startUsesTheJvmFlagsOfTheReadmesRunCommand() throws Exception {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("README.md"))) {
      dir = dir.getParent();
    }
    Matcher m = Pattern.compile("java ((?:-\\S+ )+)-jar ccs-httpd/target/ccs-httpd\\.jar")
        .matcher(Files.readString(dir.resolve("README.md")));
    assertThat(m.find()).as("the README's run command").isTrue();

    assertThat(ServerProcess.JVM_OPTIONS).containsAll(Arrays.asList(m.group(1).trim().split(" +")));
  }
}
