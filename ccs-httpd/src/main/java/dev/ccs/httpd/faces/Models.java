package dev.ccs.httpd.faces;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.error.CcsException;
import java.util.ArrayList;
import java.util.List;

/**
 * The models a face offers: the names of {@code openai.models} (each mapped to a CLI model), the
 * CLI's aliases, any full Claude model id, and the configured default model. A name the CLI would
 * not know (another vendor's model without an alias) is refused with {@code model_not_found}, never
 * silently run on some other model.
 */
public final class Models {

  public static final List<String> ALIASES = List.of("sonnet", "opus", "haiku");

  private Models() {
  }

  public static List<String> available(CcsConfig config) {
    List<String> ids = new ArrayList<>(config.openai().models().keySet());
    String defaultModel = config.defaultModel();
    if (defaultModel != null && !defaultModel.isBlank() && !ids.contains(defaultModel)) {
      ids.add(defaultModel);
    }
    for (String alias : ALIASES) {
      if (!ids.contains(alias)) {
        ids.add(alias);
      }
    }
    return ids;
  }

  /** The CLI model for a requested name. */
  public static String resolve(String requested, CcsConfig config) {
    String mapped = config.openai().models().get(requested);
    if (mapped != null) {
      return mapped;
    }
    if (ALIASES.contains(requested) || requested.startsWith("claude-") || requested.equals(config.defaultModel())) {
      return requested;
    }
    throw new CcsException.NotFound("model_not_found", "The model \"" + requested + "\" does not exist here; "
        + "GET /v1/models lists the models ccs offers (map other names in openai.models)");
  }
}
