package dev.ccs.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderSettingsTest {

  @TempDir
  Path temp;

  private static ObjectNode settings(String json) throws Exception {
    return (ObjectNode) Json.parse(json);
  }

  /** Node defect #4: the id was used unchecked in a file path ("..%2Fconfig" read the server's config). */
  @Test
  void idsThatAreNotPlainNamesNeverBecomePaths() throws Exception {
    ProviderSettings store = new ProviderSettings(temp.resolve("ps"), false);
    Files.writeString(temp.resolve("config.json"), "{\"secret\": 1}");
    for (String id : new String[] {"../config", "..", "a/b", "a.json", "", "x".repeat(65), "a\u0000b"}) {
      assertThatThrownBy(() -> store.get(id)).isInstanceOf(CcsException.InvalidRequest.class);
      assertThatThrownBy(() -> store.put(id, settings("{}"))).isInstanceOf(CcsException.InvalidRequest.class);
      assertThatThrownBy(() -> store.delete(id)).isInstanceOf(CcsException.InvalidRequest.class);
    }
    assertThat(Files.readString(temp.resolve("config.json"))).isEqualTo("{\"secret\": 1}");
  }

  /** Node defect #5: provider keys were returned in clear and written world-readable. */
  @Test
  void secretLookingEnvValuesAreHiddenWhenReadAndKeptWhenWrittenBackHidden() throws Exception {
    ProviderSettings store = new ProviderSettings(temp.resolve("ps"), false);
    Path file = store.put("gw", settings("{\"env\": {\"ANTHROPIC_AUTH_TOKEN\": \"tok-123456\", "
        + "\"ANTHROPIC_MODEL\": \"glm\"}, \"model\": \"x\"}"));

    ObjectNode read = store.get("gw").orElseThrow();
    assertThat(read.toString()).doesNotContain("tok-123456");
    assertThat(read.at("/env/ANTHROPIC_AUTH_TOKEN").asText()).isEqualTo(ProviderSettings.HIDDEN);
    assertThat(read.at("/env/ANTHROPIC_MODEL").asText()).isEqualTo("glm");
    assertThat(Files.getPosixFilePermissions(file))
        .containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    read.put("model", "y");
    store.put("gw", read);
    assertThat(Files.readString(file)).contains("tok-123456").contains("\"y\"");
    assertThatThrownBy(() -> store.put("other", settings("{\"env\": {\"TOKEN\": \"" + ProviderSettings.HIDDEN
        + "\"}}"))).isInstanceOf(CcsException.InvalidRequest.class);
  }

  @Test
  void settingsArePassedByPathOnlyForProvidersThatHaveThemAndSurviveARestart() throws Exception {
    ProviderSettings store = new ProviderSettings(temp.resolve("ps"), false);
    assertThat(store.fileOf("a")).isEmpty();
    Path file = store.put("a", settings("{\"model\": \"m\"}"));
    assertThat(store.fileOf("a")).contains(file);
    assertThat(file.getParent()).isEqualTo(temp.resolve("ps"));

    ProviderSettings reopened = new ProviderSettings(temp.resolve("ps"), false);
    assertThat(reopened.list()).containsExactly("a");
    assertThat(reopened.delete("a")).isTrue();
    assertThat(reopened.delete("a")).isFalse();
    assertThat(reopened.fileOf("a")).isEmpty();
    assertThat(file).doesNotExist();
  }

  @Test
  void settingsCannotSkipPermissionChecksUnlessTheOperatorAllowedIt() throws Exception {
    ObjectNode bypass = settings("{\"permissions\": {\"defaultMode\": \"bypassPermissions\"}}");
    assertThatThrownBy(() -> new ProviderSettings(temp.resolve("ps"), false).put("a", bypass))
        .isInstanceOfSatisfying(CcsException.InvalidRequest.class,
            e -> assertThat(e.code()).isEqualTo("permission_bypass_disabled"));
    assertThat(new ProviderSettings(temp.resolve("ps2"), true).put("a", bypass)).exists();
    ObjectNode huge = Json.object().put("blob", "x".repeat(ProviderSettings.MAX_BYTES));
    assertThatThrownBy(() -> new ProviderSettings(temp.resolve("ps"), false).put("a", huge))
        .isInstanceOf(CcsException.InvalidRequest.class);
    assertThat(temp.resolve("ps")).doesNotExist();
  }
}
