package dev.ccs.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigReloadTest {

  private final CcsConfig base = CcsConfig.defaults(Path.of("/srv/ccs"));

  @Test
  void theSameConfigChangesNothing() {
    ConfigReload.Result result = ConfigReload.of(base, base, base);
    // Equal but for the scale of the budget (10.0 is read back as 1E+1).
    assertThat(result.applied().maxBudgetUsd()).isEqualByComparingTo(base.maxBudgetUsd());
    assertThat(result.applied().toBuilder().maxBudgetUsd(base.maxBudgetUsd()).build()).isEqualTo(base);
    assertThat(result.changed()).isEmpty();
    assertThat(result.pendingRestart()).isEmpty();
  }

  @Test
  void liveKeysApplyAndRestartOnlyKeysKeepTheirRunningValues() {
    CcsConfig edited = base.toBuilder().maxBudgetUsd(new BigDecimal("2.5")).port(7000)
        .dataDir(Path.of("/elsewhere")).taskQueue(new TaskQueueConfig(7, Duration.ofMinutes(1), 0,
            Duration.ofSeconds(1), true))
        .build();
    ConfigReload.Result result = ConfigReload.of(base, base, edited);

    assertThat(result.changed()).containsExactly("taskQueue.concurrency", "taskQueue.defaultTimeout",
        "taskQueue.retryBackoff", "maxBudgetUsd");
    assertThat(result.pendingRestart()).containsExactly("port", "dataDir");
    assertThat(result.applied().maxBudgetUsd()).isEqualByComparingTo("2.5");
    assertThat(result.applied().taskQueue().concurrency()).isEqualTo(7);
    assertThat(result.applied().port()).isEqualTo(base.port());
    assertThat(result.applied().dataDir()).isEqualTo(base.dataDir());
  }

  @Test
  void aValueSetOnTheCommandLineIsNotAnEdit() {
    CcsConfig running = base.toBuilder().port(0).build(); // --port 0
    ConfigReload.Result result = ConfigReload.of(running, base, base);
    assertThat(result.pendingRestart()).isEmpty();
    assertThat(result.applied().port()).isZero();
  }
}
