package dev.ccs.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccs.core.balance.LoadBalancer;
import dev.ccs.core.balance.ProviderSettings;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.exec.ClaudeRequest;
import dev.ccs.core.exec.PermissionMode;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunPolicyTest {

  @TempDir
  Path temp;

  private ClaudeRequest plan(boolean allowSkip, boolean root, PermissionMode mode) {
    CcsConfig config = CcsConfig.defaults(temp).toBuilder().allowDangerouslySkipPermissions(allowSkip).build();
    RunOptions options = RunOptions.builder().permissionMode(mode).build();
    return new RunPolicy(config, new LoadBalancer(config.providers(), config.loadBalance(), Clock.systemUTC()),
        new ProviderSettings(temp.resolve("settings"), allowSkip), java.util.Map.of(), root)
        .plan("hi", temp, options, null, null).request().build();
  }

  @Test
  void withoutTheOperatorsConsentPermissionsAreChecked() {
    ClaudeRequest request = plan(false, true, null);
    assertThat(request.dangerouslySkipPermissions()).isFalse();
    assertThat(request.environment()).doesNotContainKey("IS_SANDBOX");
    assertThatThrownBy(() -> plan(false, false, PermissionMode.BYPASS_PERMISSIONS))
        .isInstanceOfSatisfying(CcsException.Forbidden.class,
            e -> assertThat(e.code()).isEqualTo("permission_bypass_disabled"));
  }

  @Test
  void allowedSkipAppliesToRunsThatNameNoModeAndTheSandboxFlagOnlyAsRoot() {
    ClaudeRequest asUser = plan(true, false, null);
    assertThat(asUser.dangerouslySkipPermissions()).isTrue();
    assertThat(asUser.environment()).doesNotContainKey("IS_SANDBOX");

    ClaudeRequest asRoot = plan(true, true, null);
    assertThat(asRoot.dangerouslySkipPermissions()).isTrue();
    assertThat(asRoot.environment()).containsEntry("IS_SANDBOX", "1");
  }

  @Test
  void aRequestsOwnModeWinsOverTheSkip() {
    ClaudeRequest plan = plan(true, true, PermissionMode.PLAN);
    assertThat(plan.dangerouslySkipPermissions()).isFalse();
    assertThat(plan.permissionMode()).isEqualTo(PermissionMode.PLAN);
    assertThat(plan.environment()).doesNotContainKey("IS_SANDBOX");

    ClaudeRequest bypass = plan(true, false, PermissionMode.BYPASS_PERMISSIONS);
    assertThat(bypass.dangerouslySkipPermissions()).isFalse();
    assertThat(bypass.permissionMode()).isEqualTo(PermissionMode.BYPASS_PERMISSIONS);
    assertThat(bypass.environment()).doesNotContainKey("IS_SANDBOX");
    assertThat(plan(true, true, PermissionMode.BYPASS_PERMISSIONS).environment()).containsEntry("IS_SANDBOX", "1");
  }

  @Test
  void theConfigKnowsEveryPermissionModeTheApiAccepts() {
    org.assertj.core.api.Assertions.assertThat(dev.ccs.core.config.SecurityConfig.PERMISSION_MODES)
        .isEqualTo(dev.ccs.core.exec.PermissionMode.wireNames());
  }
}
