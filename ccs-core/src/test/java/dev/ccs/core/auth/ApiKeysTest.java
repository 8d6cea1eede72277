package dev.ccs.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.store.FileStorage;
import dev.ccs.core.testing.ManualScheduler;
import dev.ccs.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

  private static final String SECRET = "ccs_sk_0123456789abcdef0123456789abcdef";

  @TempDir
  Path temp;

  private final MutableClock clock = MutableClock.startingAt("2026-11-30T10:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);

  @Test
  void theNodeServersDerivedKeyKeepsWorking() {
    ApiKeys keys = new ApiKeys(new AuthConfig(true, SECRET, true), ApiKeyStore.inMemory(), clock, scheduler);
    // HMAC-SHA256("claude-code-server-api-key") under the secret, as the Node server's keyGenerator.js.
    String legacy = ApiKeys.legacyKey(SECRET);
    assertThat(legacy).matches("ccs_ak_[0-9a-f]{64}");

    assertThat(keys.authenticate(legacy)).isEqualTo(new Authentication.Granted(Caller.LEGACY));
    assertThat(keys.authenticate(legacy.substring(0, legacy.length() - 1) + "0"))
        .isInstanceOf(Authentication.Denied.class);
    assertThat(keys.authenticate("Bearer-less")).isEqualTo(
        new Authentication.Denied("invalid_format", "Invalid API Key format", "API key must start with \"ccs_ak_\""));
  }

  @Test
  void aNamedKeyIsShownOnceAndStoredOnlyAsItsHash() throws Exception {
    try (FileStorage storage = FileStorage.open(temp.resolve("data"), clock)) {
      ApiKeys keys = new ApiKeys(AuthConfig.DEFAULT, storage.apiKeys(), clock, scheduler);
      ApiKeys.CreatedKey created = keys.create("ci runner", EnumSet.of(Scope.RUN), null);

      assertThat(created.secret()).matches("ccs_ak_[0-9a-f]{64}");
      assertThat(created.key().id()).matches("key_[0-9a-f]{16}");
      Path file = temp.resolve("data/auth/keys.json");
      String stored = Files.readString(file);
      assertThat(stored).contains("ci runner", ApiKeys.sha256(created.secret().getBytes()))
          .doesNotContain(created.secret(), created.secret().substring(7));
      assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

      Authentication result = keys.authenticate(created.secret());
      assertThat(result).isEqualTo(new Authentication.Granted(new Caller(created.key().id(), "ci runner",
          Set.of(Scope.RUN))));
      assertThat(((Authentication.Granted) result).caller().may(Scope.READ)).isTrue();
      assertThat(((Authentication.Granted) result).caller().may(Scope.ADMIN)).isFalse();
    }
    // A restart reads the keys back.
    try (FileStorage storage = FileStorage.open(temp.resolve("data"), clock)) {
      ApiKeys keys = new ApiKeys(AuthConfig.DEFAULT, storage.apiKeys(), clock, scheduler);
      assertThat(keys.list()).extracting(ApiKey::name).containsExactly("ci runner");
    }
  }

  @Test
  void revokedAndExpiredKeysAreRefused() {
    ApiKeys keys = new ApiKeys(AuthConfig.DEFAULT, ApiKeyStore.inMemory(), clock, scheduler);
    ApiKeys.CreatedKey shortLived = keys.create("short", Set.of(), clock.instant().plus(Duration.ofHours(1)));
    ApiKeys.CreatedKey revoked = keys.create("gone", Set.of(), null);

    assertThat(keys.authenticate(shortLived.secret())).isInstanceOf(Authentication.Granted.class);
    assertThat(keys.revoke("gone")).isPresent();
    assertThat(keys.authenticate(revoked.secret())).isEqualTo(
        new Authentication.Denied("invalid_api_key", "Invalid API Key"));
    assertThat(keys.revoke("gone")).isEmpty();

    clock.advance(Duration.ofHours(1));
    assertThat(keys.authenticate(shortLived.secret())).isInstanceOfSatisfying(Authentication.Denied.class,
        denied -> assertThat(denied.reason()).isEqualTo("expired_api_key"));
  }

  @Test
  void namesAreUniqueAndCheckedAndExpiryIsInTheFuture() {
    ApiKeys keys = new ApiKeys(AuthConfig.DEFAULT, ApiKeyStore.inMemory(), clock, scheduler);
    keys.create("deploy", Set.of(), null);

    assertThatThrownBy(() -> keys.create("deploy", Set.of(), null)).isInstanceOf(CcsException.Conflict.class);
    assertThatThrownBy(() -> keys.create("bad\nname", Set.of(), null))
        .isInstanceOf(CcsException.InvalidRequest.class);
    assertThatThrownBy(() -> keys.create("x".repeat(65), Set.of(), null))
        .isInstanceOf(CcsException.InvalidRequest.class);
    assertThatThrownBy(() -> keys.create("late", Set.of(), clock.instant()))
        .isInstanceOf(CcsException.InvalidRequest.class);
  }

  @Test
  void lastUseIsRecordedToTheMinuteAndSavedAtMostOnceAMinute() {
    int[] saves = {0};
    ApiKeyStore counting = new ApiKeyStore() {
      final ApiKeyStore inner = ApiKeyStore.inMemory();

      @Override
      public java.util.List<ApiKey> load() {
        return inner.load();
      }

      @Override
      public void save(java.util.List<ApiKey> keys, boolean durable) {
        saves[0]++;
        inner.save(keys, durable);
      }
    };
    ApiKeys keys = new ApiKeys(AuthConfig.DEFAULT, counting, clock, scheduler);
    ApiKeys.CreatedKey created = keys.create("poller", Set.of(Scope.READ), null);
    assertThat(saves[0]).isEqualTo(1);

    for (int i = 0; i < 1000; i++) {
      keys.authenticate(created.secret());
    }
    assertThat(keys.find("poller").orElseThrow().lastUsedAt()).isEqualTo(clock.instant());
    assertThat(saves[0]).as("no write per request").isEqualTo(1);

    scheduler.advance(Duration.ofMinutes(1));
    assertThat(saves[0]).isEqualTo(2);
    assertThat(counting.load().get(0).lastUsedAt()).isEqualTo(java.time.Instant.parse("2026-11-30T10:00:00Z"));
  }

  @Test
  void scopesIncludeTheLowerOnes() {
    assertThat(Scope.allows(Set.of(), Scope.ADMIN)).isTrue();
    assertThat(Scope.allows(Set.of(Scope.READ), Scope.RUN)).isFalse();
    assertThat(Scope.allows(Set.of(Scope.RUN), Scope.READ)).isTrue();
    assertThat(Scope.allows(Set.of(Scope.ADMIN), Scope.RUN)).isTrue();
    assertThatThrownBy(() -> Scope.of("write")).hasMessageContaining("allowed: read, run, admin");
  }
}
