package dev.ccs.httpd.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.config.LoadedConfig;
import dev.ccs.core.config.RateLimitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a file system cannot be watched (some network and container file systems), edits are
 * still seen by comparing the file's size, time and inode at each poll; several quick writes (an
 * editor's) are applied once, after they settle.
 */
@Timeout(60)
class ConfigReloaderTest {

  @TempDir
  Path temp;

  @Test
  void withoutAWatchServiceEditsAreFoundByPollingAndAppliedOnceSettled() throws Exception {
    Path file = temp.resolve("config.json");
    CcsConfig config = CcsConfig.defaults(temp).toBuilder().claudePath(temp.resolve("no-claude").toString())
        .rateLimit(new RateLimitConfig(true, Duration.ofMinutes(1), 100, 100, 1000)).build();
    ConfigLoader.write(file, config);
    LoadedConfig loaded = ConfigLoader.load(file, Map.of());
    LinkedBlockingQueue<CcsConfig> applied = new LinkedBlockingQueue<>();
    try (Ccs ccs = Ccs.builder(loaded.config()).build();
        ConfigReloader reloader = new ConfigReloader(loaded, Map.of(), Set.of(), ccs, next -> { }, applied::add,
            Duration.ofSeconds(1), Duration.ofMillis(100)).start(false)) {
      String text = Files.readString(file);
      // Three writes in quick succession, as an editor may make: one reload, with the last.
      for (int burst : new int[] {7, 8, 9}) {
        Files.writeString(file, text.replaceFirst("\"burst\" : \\d+", "\"burst\" : " + burst));
        Thread.sleep(50);
      }
      CcsConfig next = applied.poll(20, TimeUnit.SECONDS);
      assertThat(next).as("the edit, found without a watch service").isNotNull();
      assertThat(next.rateLimit().burst()).isEqualTo(9);
      assertThat(ccs.config().rateLimit().burst()).isEqualTo(9);
      assertThat(applied.poll(1, TimeUnit.SECONDS)).as("one reload for the three writes").isNull();
      assertThat(Files.readString(file)).contains("\"burst\" : 9");
    }
  }
}
