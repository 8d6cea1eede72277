package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.McpConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.RealClaude;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MCP configs reach the real CLI, which starts their servers: the operator's
 * ({@code mcp.enabled} + {@code mcp.configPath}, strict), one a request names from
 * {@code mcp.allowedConfigs}, and one given inline. Each server is a small stdio MCP server
 * ({@code mcp/mcp-log-server.sh}) that writes down every message the CLI sends it.
 */
@Tag("real-cli")
@Timeout(300)
class RealClaudeMcpTest {

  @TempDir
  Path temp;

  private MockAnthropic mock;
  private TestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (mock != null) {
      mock.close();
    }
  }

  /** An MCP config with one stdio server, {@code name}, which logs to {@code name.log}. */
  private String mcpConfig(Path script, String name) {
    var servers = Json.object();
    servers.putObject("mcpServers").putObject(name).put("command", script.toString()).putArray("args")
        .add(temp.resolve(name + ".log").toString());
    return servers.toString();
  }

  private List<String> logOf(String name) throws Exception {
    Path log = temp.resolve(name + ".log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Test
  void theOperatorsTheAllowedAndAnInlineConfigEachStartTheirServer() throws Exception {
    Path script = temp.resolve("mcp-log-server.sh");
    try (InputStream in = RealClaudeMcpTest.class.getResourceAsStream("/mcp/mcp-log-server.sh")) {
      Files.copy(in, script);
    }
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Path operators = Files.writeString(temp.resolve("operator.json"), mcpConfig(script, "operator"));
    Path allowed = Files.writeString(temp.resolve("allowed.json"), mcpConfig(script, "allowed"));
    mock = MockAnthropic.start();
    CcsConfig config = TestServer.config(temp.resolve("ccs"), RealClaude.executable()).toBuilder()
        .mcp(new McpConfig(true, operators, true, true, Map.of("second", allowed))).build();
    server = TestServer.start(config, RealClaude.environment(temp.resolve("home"), mock), b -> b);

    TestServer.Reply plain = server.post("/api/messages", "{\"prompt\":\"hello\"}");
    assertThat(plain.status()).as(plain.text()).isEqualTo(200);
    assertThat(logOf("operator")).as("what the operator's server was sent").contains("initialize", "tools/list");

    TestServer.Reply named = server.post("/api/messages", "{\"prompt\":\"hello\",\"mcp_config\":\"second\"}");
    assertThat(named.status()).as(named.text()).isEqualTo(200);
    assertThat(logOf("allowed")).as("what the allowed config's server was sent").contains("initialize", "tools/list");

    TestServer.Reply inline = server.post("/api/messages", "{\"prompt\":\"hello\",\"mcp_config\":"
        + mcpConfig(script, "inline") + "}");
    assertThat(inline.status()).as(inline.text()).isEqualTo(200);
    assertThat(logOf("inline")).as("what the inline config's server was sent").contains("initialize", "tools/list");
    try (var left = Files.list(temp.resolve("ccs/data/tmp"))) {
      assertThat(left.filter(p -> p.getFileName().toString().contains("mcp"))).as("inline config files left")
          .isEmpty();
    }
  }
}
