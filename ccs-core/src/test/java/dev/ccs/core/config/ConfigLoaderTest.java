package dev.ccs.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path temp;

  @Test
  void firstStartWritesTheDefaultsPrivatelyAndReadsThemBack() throws Exception {
    Path file = temp.resolve("ccs-home").resolve("config.json");

    LoadedConfig loaded = ConfigLoader.load(file, Map.of());

    assertThat(loaded.created()).isTrue();
    CcsConfig config = loaded.config();
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(5546);
    assertThat(config.claudePath()).isEqualTo("claude");
    assertThat(config.workspacePath()).isEqualTo(temp.resolve("ccs-home/workspace"));
    assertThat(config.dataDir()).isEqualTo(temp.resolve("ccs-home/data"));
    assertThat(config.taskQueue()).isEqualTo(TaskQueueConfig.of(3, Duration.ofMinutes(5)));
    assertThat(config.maxBudgetUsd()).isEqualByComparingTo("10.0");
    assertThat(config.security().auth().enabled()).isFalse();
    assertThat(config.security().auth().secretKey()).matches("ccs_sk_[0-9a-f]{64}");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(file)).contains("\"host\" : \"127.0.0.1\"");

    LoadedConfig again = ConfigLoader.load(file, Map.of());
    assertThat(again.created()).isFalse();
    assertThat(again.config()).isEqualTo(config);
    assertThat(again.warnings()).isEmpty();
  }

  @Test
  void readsAConfigWrittenByTheNodeServer() throws Exception {
    Path file = write("""
        {
          "port": "6000",
          "host": "127.0.0.1",
          "trustProxy": 1,
          "claudePath": "/usr/local/bin/claude",
          "nodeBinDir": null,
          "defaultProjectPath": "~/projects",
          "logFile": "logs/server.log",
          "sessionRetentionDays": 7,
          "taskQueue": { "concurrency": 5, "defaultTimeout": 60000 },
          "rateLimit": { "enabled": false, "windowMs": 1000, "maxRequests": 5 },
          "defaultModel": "claude-sonnet-4-5",
          "maxBudgetUsd": 2.5,
          "webhook": { "enabled": true, "defaultUrl": "https://example.com/hook", "timeout": 3000, "retries": 2 },
          "statistics": { "enabled": true, "collectionInterval": 60000 },
          "mcp": { "enabled": false, "configPath": null },
          "logLevel": "debug",
          "allowDangerouslySkipPermissions": false,
          "security": { "auth": { "enabled": true, "secretKey": "ccs_sk_0123456789abcdef", "bypassHealthCheck": true },
                        "swaggerDocs": { "enabled": false } },
          "providers": [ { "id": "main", "name": "Main", "apiKey": "sk-1", "baseUrl": "https://api.example.com",
                           "weight": 3, "enabled": true, "env": { "ANTHROPIC_MODEL": "m" } } ],
          "loadBalance": { "strategy": "weighted", "failover": true, "failureThreshold": 2,
                           "bindingTtl": 600000, "recoveryTimeout": 30 },
          "someFutureKey": true
        }
        """);

    LoadedConfig loaded = ConfigLoader.load(file, Map.of());

    CcsConfig c = loaded.config();
    assertThat(c.port()).isEqualTo(6000);
    assertThat(c.workspacePath()).isEqualTo(dev.ccs.core.io.UserHome.get().resolve("projects"));
    assertThat(c.logFile()).isEqualTo(temp.resolve("logs/server.log"));
    assertThat(c.sessionRetentionDays()).isEqualTo(7);
    assertThat(c.taskQueue()).isEqualTo(TaskQueueConfig.of(5, Duration.ofMinutes(1)));
    assertThat(c.rateLimit()).isEqualTo(new RateLimitConfig(false, Duration.ofSeconds(1), 5));
    assertThat(c.defaultModel()).isEqualTo("claude-sonnet-4-5");
    assertThat(c.maxBudgetUsd()).isEqualByComparingTo(new BigDecimal("2.5"));
    assertThat(c.webhook().defaultUrl()).isEqualTo("https://example.com/hook");
    assertThat(c.webhook().retries()).isEqualTo(2);
    assertThat(c.logLevel()).isEqualTo("debug");
    assertThat(c.security().auth().enabled()).isTrue();
    assertThat(c.security().swaggerDocs()).isFalse();
    assertThat(c.providers()).singleElement().satisfies(p -> {
      assertThat(p.id()).isEqualTo("main");
      assertThat(p.weight()).isEqualTo(3);
      assertThat(p.env()).containsEntry("ANTHROPIC_MODEL", "m");
      assertThat(p.toString()).doesNotContain("sk-1");
    });
    assertThat(c.loadBalance().recoveryTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(loaded.warnings()).hasSize(1);
    assertThat(loaded.warnings().get(0)).contains("unknown key \"someFutureKey\"");
  }

  @Test
  void aNewConfigWritesEveryKeyWithItsDefault() throws Exception {
    Path file = temp.resolve("fresh").resolve("config.json");
    ConfigLoader.load(file, Map.of());

    String text = Files.readString(file);
    assertThat(text).contains("\"swaggerDocs\"", "\"rateLimit\"", "\"burst\"", "\"security\"", "\"auth\"", "\"limits\"", "\"loadBalance\"", "\"statistics\"",
            "\"retentionDays\"");
    assertThat(ConfigLoader.load(file, Map.of()).warnings()).isEmpty();
  }

  @Test
  void everyBadValueIsReportedWithKeyValueAndWhatIsAllowed() throws Exception {
    Path file = write("""
        { "port": 70000, "host": "", "taskQueue": { "concurrency": 0 }, "logLevel": "loud",
          "maxBudgetUsd": -1, "webhook": { "timeout": "soon" }, "rateLimit": { "enabled": "yes" } }
        """);

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).contains(
            "\"port\" is 70000; allowed: an integer from 0 to 65535",
            "\"taskQueue.concurrency\" is 0; allowed: an integer from 1 to 10",
            "\"logLevel\" is \"loud\"; allowed: one of [debug, info, warn, error]",
            "\"maxBudgetUsd\" is -1; allowed: a number >= 0",
            "\"webhook.timeout\" is \"soon\"; allowed: an integer from 1 to 2147483647",
            "\"rateLimit.enabled\" is \"yes\"; allowed: true or false"))
        .hasMessageStartingWith(file.toString());
  }

  @Test
  void crossKeyRulesAreChecked() throws Exception {
    Path file = write("{ \"security\": { \"auth\": { \"enabled\": true, \"secretKey\": null } } }");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("\"security.auth.secretKey\" is empty");
  }

  @Test
  void theStoreSectionIsReadRedactedAndRefusedWhereItMeansNothing() throws Exception {
    Path file = write("""
        { "store": { "type": "postgres", "url": "jdbc:postgresql://db:5432/ccs?password=pw1", "user": "ccs",
                     "password": "${env:CCS_DB_PASSWORD}", "poolSize": 4, "nodeId": "ccs-1", "leaseMs": 9000,
                     "globalConcurrency": 12, "advertiseUrl": "http://10.0.0.5:5546" } }
        """);
    StoreConfig store = ConfigLoader.load(file, Map.of()).config().store();
    assertThat(store).isEqualTo(new StoreConfig("postgres", "jdbc:postgresql://db:5432/ccs?password=pw1", "ccs",
        "${env:CCS_DB_PASSWORD}", 4, "ccs-1", Duration.ofSeconds(9), 12, "http://10.0.0.5:5546"));
    assertThat(store.shared()).isTrue();
    assertThat(store.nodeIdOr(5546)).isEqualTo("ccs-1");
    var shown = ConfigRedaction.redacted(ConfigLoader.load(file, Map.of()).config()).path("store");
    assertThat(shown.path("url").asText()).isEqualTo("jdbc:postgresql://db:5432/ccs?password=" + ConfigRedaction.HIDDEN);
    assertThat(shown.path("password").asText()).isEqualTo("${env:CCS_DB_PASSWORD}"); // a reference, not a secret
    Files.writeString(file, "{ \"store\": { \"type\": \"postgres\", \"url\": \"jdbc:postgresql://db/ccs\","
        + " \"password\": \"plain-secret\" } }");
    assertThat(ConfigRedaction.redacted(ConfigLoader.load(file, Map.of()).config()).path("store").path("password")
        .asText()).isEqualTo(ConfigRedaction.HIDDEN);
    assertThat(ConfigLoader.load(file, Map.of()).config().store().toString()).doesNotContain("plain-secret");

    for (String[] bad : new String[][] {
        {"{ \"store\": { \"type\": \"mysql\" } }", "\"store.type\" is \"mysql\"; allowed: one of [file, postgres]"},
        {"{ \"store\": { \"type\": \"postgres\" } }", "\"store.url\" must be a jdbc:postgresql: URL"},
        {"{ \"store\": { \"url\": \"jdbc:postgresql://db/ccs\" } }", "\"store.url\" applies to \"store.type\": \"postgres\" only"},
        {"{ \"store\": { \"globalConcurrency\": 4 } }", "\"store.globalConcurrency\" applies to"},
        {"{ \"store\": { \"leaseMs\": 10 } }", "store.leaseMs"},
        {"{ \"store\": { \"type\": \"postgres\", \"url\": \"jdbc:postgresql://db/ccs\", \"advertiseUrl\": \"ftp://x\" } }",
            "\"store.advertiseUrl\" must be http(s)://host:port"},
        {"{ \"store\": { \"poolSize\": 0 } }", "\"store.poolSize\" is 0"}}) {
      Files.writeString(file, bad[0]);
      assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).as(bad[0]).isInstanceOf(ConfigException.class)
          .hasMessageContaining(bad[1]);
    }
  }

  @Test
  void theWarmSessionsSectionIsReadAndItsBadValuesRefused() throws Exception {
    Path file = write("""
        { "warmSessions": { "enabled": true, "maxWarm": 8, "idleMs": 120000, "maxTurnsPerProcess": 50,
                            "memoryBudgetMb": 2048 } }
        """);
    assertThat(ConfigLoader.load(file, Map.of()).config().warmSessions())
        .isEqualTo(new WarmSessionsConfig(true, 8, Duration.ofMinutes(2), 50, 2048));
    assertThat(CcsConfig.defaults(temp).warmSessions().enabled()).isFalse();
    assertThat(ConfigLoader.toJson(ConfigLoader.load(file, Map.of()).config()).path("warmSessions").path("maxWarm")
        .asInt()).isEqualTo(8);
    Files.writeString(file, "{ \"warmSessions\": { \"size\": 3 } }");
    assertThat(ConfigLoader.load(file, Map.of()).warnings()).anyMatch(w -> w.contains("\"warmSessions.size\""));

    for (String[] bad : new String[][] {
        {"{ \"warmSessions\": { \"maxWarm\": 0 } }", "warmSessions.maxWarm"},
        {"{ \"warmSessions\": { \"idleMs\": 10 } }", "warmSessions.idleMs"},
        {"{ \"warmSessions\": { \"maxTurnsPerProcess\": 0 } }", "warmSessions.maxTurnsPerProcess"},
        {"{ \"warmSessions\": { \"memoryBudgetMb\": 1 } }", "warmSessions.memoryBudgetMb"},
        {"{ \"warmSessions\": { \"enabled\": \"yes\" } }", "warmSessions.enabled"}}) {
      Files.writeString(file, bad[0]);
      assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).as(bad[0]).isInstanceOf(ConfigException.class)
          .hasMessageContaining(bad[1]);
    }
  }

  @Test
  void malformedJsonNamesTheLine() throws Exception {
    Path file = write("{\n  \"port\": 1,\n  oops\n}");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("line 3");
  }

  @Test
  void environmentOverridesWin() throws Exception {
    Path file = write("{ \"port\": 1234 }");

    CcsConfig config = ConfigLoader.load(file, Map.of("CCS_PORT", "0", "CCS_HOST", "0.0.0.0",
        "CCS_DATA_DIR", "elsewhere", "CCS_CLAUDE_PATH", "/opt/claude")).config();

    assertThat(config.port()).isZero();
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.dataDir()).isEqualTo(temp.resolve("elsewhere"));
    assertThat(config.claudePath()).isEqualTo("/opt/claude");
  }

  /** The Node server's variables (issue 12): PORT, HOST, CCS_SECRET_KEY, CCS_AUTH_ENABLED; CCS_PORT/HOST win. */
  @Test
  void theNodeServersVariablesAreReadAndTheSourcesSaySo() throws Exception {
    Path file = write("{ \"port\": 1234, \"security\": {\"auth\": {\"enabled\": false}} }");

    LoadedConfig loaded = ConfigLoader.load(file, Map.of("PORT", "7000", "HOST", "::1",
        "CCS_SECRET_KEY", "ccs_sk_from-the-environment-0123", "CCS_AUTH_ENABLED", "true"));
    CcsConfig config = loaded.config();
    assertThat(config.port()).isEqualTo(7000);
    assertThat(config.host()).isEqualTo("::1");
    assertThat(config.security().auth().enabled()).isTrue();
    assertThat(config.security().auth().secretKey()).isEqualTo("ccs_sk_from-the-environment-0123");
    assertThat(loaded.environmentKeys()).containsExactlyInAnyOrder("port", "host", "security.auth.secretKey",
        "security.auth.enabled");

    assertThat(ConfigLoader.load(file, Map.of("PORT", "7000", "CCS_PORT", "7001")).config().port()).isEqualTo(7001);
    assertThat(ConfigLoader.load(file, Map.of("CCS_AUTH_ENABLED", "false")).config().security().auth().enabled())
        .isFalse();
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("CCS_AUTH_ENABLED", "yes")))
        .hasMessageContaining("CCS_AUTH_ENABLED is \"yes\"; allowed: true or false");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("PORT", "http")))
        .hasMessageContaining("PORT is \"http\"");
  }

  @Test
  void badEnvironmentOverridesAreNamed() throws Exception {
    Path file = write("{}");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("CCS_PORT", "http")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CCS_PORT is \"http\"; allowed: an integer from 0 to 65535");
  }

  @Test
  void maxBudgetNullMeansNoCapAndAbsentMeansTheDefault() throws Exception {
    assertThat(ConfigLoader.load(write("{ \"maxBudgetUsd\": null }"), Map.of()).config().maxBudgetUsd()).isNull();
    assertThat(ConfigLoader.load(write("{}"), Map.of()).config().maxBudgetUsd()).isEqualByComparingTo("10.0");
  }

  @Test
  void secretsNeverAppearInToString() throws Exception {
    CcsConfig config = ConfigLoader.load(write("""
        { "security": { "auth": { "enabled": true, "secretKey": "ccs_sk_topsecretvalue123" } },
          "webhook": { "secret": "whsec-topsecret" },
          "execution": { "env": { "ANTHROPIC_API_KEY": "sk-ant-topsecret" } } }
        """), Map.of()).config();

    assertThat(config.toString()).doesNotContain("topsecret");
    assertThat(config.execution().env()).containsEntry("ANTHROPIC_API_KEY", "sk-ant-topsecret");
  }

  @Test
  void projectRootsStartWithTheWorkspace() throws Exception {
    CcsConfig config = ConfigLoader.load(write("{ \"workspacePath\": \"ws\", \"allowedProjectRoots\": [\"/srv/repos\"] }"),
        Map.of()).config();

    assertThat(config.projectRoots()).containsExactly(temp.resolve("ws"), Path.of("/srv/repos"));
  }

  @Test
  void writtenConfigRoundTrips() throws Exception {
    CcsConfig original = CcsConfig.defaults(temp).toBuilder().port(7000).allowedProjectRoots(List.of(Path.of("/srv")))
        .maxBudgetUsd(new BigDecimal("1.25")).build();
    Path file = temp.resolve("config.json");

    ConfigLoader.write(file, original);

    assertThat(ConfigLoader.load(file, Map.of()).config()).isEqualTo(original);
  }

  private Path write(String json) throws Exception {
    Path file = temp.resolve("config.json");
    Files.writeString(file, json);
    return file;
  }

  /** Node defect #50 (the TUI saved the port as a string), and the access keys of issue 11. */
  @Test
  void theNodeTuisStringsAndTheAccessKeysAreRead() throws Exception {
    Path file = temp.resolve("access").resolve("config.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"port\": \"5546\", \"trustProxy\": 1, \"mcp\": {\"allowedConfigs\": "
        + "[\"/etc/mcp/github.json\"]}, \"security\": {\"allowedPermissionModes\": [\"plan\"]}, "
        + "\"shutdown\": {\"graceMs\": 5000}, \"rateLimit\": {\"maxRequests\": 10}}");
    CcsConfig c = ConfigLoader.load(file, Map.of()).config();
    assertThat(c.port()).isEqualTo(5546);
    assertThat(c.security().trustsProxy(java.net.InetAddress.getLoopbackAddress())).isTrue();
    assertThat(c.security().trustsProxy(java.net.InetAddress.getByName("10.0.0.1"))).isFalse();
    assertThat(c.mcp().allowedConfigs()).containsEntry("github", Path.of("/etc/mcp/github.json"));
    assertThat(c.security().allowedPermissionModes()).containsExactly("plan");
    assertThat(c.shutdown().grace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.rateLimit().burst()).isEqualTo(10);
    assertThat(c.rateLimit().perAddressMaxRequests()).isEqualTo(40);

    Files.writeString(file, "{\"trustProxy\": [\"10.0.0.0/8\", \"::1\"]}");
    SecurityConfig listed = ConfigLoader.load(file, Map.of()).config().security();
    assertThat(listed.trustsProxy(java.net.InetAddress.getByName("10.200.3.4"))).isTrue();
    assertThat(listed.trustsProxy(java.net.InetAddress.getByName("11.0.0.1"))).isFalse();
    assertThat(listed.trustsProxy(java.net.InetAddress.getByName("::1"))).isTrue();
    assertThat(listed.trustsProxy(java.net.InetAddress.getByName("127.0.0.1"))).isFalse();

    Files.writeString(file, "{\"trustProxy\": [\"10.0.0.0/33\"], \"security\": {\"allowedPermissionModes\": "
        + "[\"yolo\"]}, \"mcp\": {\"allowedConfigs\": 3}}");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).hasMessageContaining("trustProxy")
        .hasMessageContaining("allowedPermissionModes").hasMessageContaining("mcp.allowedConfigs");
  }
}
