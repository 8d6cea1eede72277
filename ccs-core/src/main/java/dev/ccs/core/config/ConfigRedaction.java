package dev.ccs.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The config as it may be shown ({@code GET /api/config}): the file's JSON with every secret
 * replaced by {@link #HIDDEN}: the auth secret, the webhook secret, providers' {@code apiKey}, and
 * every {@code env} value (execution's and providers') whose name looks secret. A secret written as a
 * reference ({@code ${env:NAME}}, {@code ${file:PATH}}) is shown as written: it names where the
 * secret is, not the secret.
 */
public final class ConfigRedaction {

  public static final String HIDDEN = "*** HIDDEN ***";
  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH).*", Pattern.CASE_INSENSITIVE);

  private ConfigRedaction() {
  }

  /** Whether a variable or field of this name holds a secret, going by its name. */
  public static boolean secretName(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  public static ObjectNode redacted(CcsConfig config) {
    ObjectNode root = ConfigLoader.toJson(config);
    hide((ObjectNode) root.path("security").path("auth"), "secretKey");
    hide((ObjectNode) root.path("webhook"), "secret");
    hideSecretEnv(root.path("execution").path("env"));
    for (JsonNode provider : root.path("providers")) {
      hide((ObjectNode) provider, "apiKey");
      hideSecretEnv(provider.path("env"));
    }
    ObjectNode store = (ObjectNode) root.path("store");
    hide(store, "password");
    if (store.hasNonNull("url")) {
      // A JDBC URL may carry the password as a parameter.
      store.put("url", store.get("url").asText().replaceAll("(?i)(password=)[^&]*", "$1" + HIDDEN));
    }
    return root;
  }

  private static void hide(ObjectNode node, String field) {
    JsonNode value = node.get(field);
    if (value != null && !value.isNull() && !SecretReference.isReference(value.asText())) {
      node.put(field, HIDDEN);
    }
  }

  private static void hideSecretEnv(JsonNode env) {
    if (!(env instanceof ObjectNode object)) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (secretName(entry.getKey()) && !entry.getValue().isNull()
          && !SecretReference.isReference(entry.getValue().asText())) {
        entry.setValue(object.textNode(HIDDEN));
      }
    }
  }
}
