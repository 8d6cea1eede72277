package dev.ccs.httpd.faces;

import dev.ccs.core.error.CcsException;

import java.util.ArrayList;
import java.util.List;

/**
 * The models a face offers: the CLI's aliases, and any full Claude model id, plus the configured
 * default model. A name the CLI would not know (another vendor's model) is refused with
 * {@code model_not_found}, not silently run on some other model.
 */
public final class Models {

  public static final List<String> ALIASES = List.of("sonnet", "opus", "haiku");

  private Models() {
  }

  public static List<String> available(String defaultModel) {
    List<String> ids = new ArrayList<>(ALIASES);
    if (defaultModel != null && !defaultModel.isBlank() && !ids.contains(defaultModel)) {
      ids.add(0, defaultModel);
    }
    return ids;
  }

  /** The CLI model for a requested name. */
  public static String resolve(String requested, String defaultModel) {
    if (ALIASES.contains(requested) || requested.startsWith("claude-") || requested.equals(defaultModel)) {
      return requested;
    }
    throw new CcsException.NotFound("model_not_found", "The model \"" + requested + "\" does not exist here; "
        + "GET /v1/models lists the models ccs offers");
  }
}
