package dev.ccs.core.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The compatible faces' settings ({@code openai} in the config).
 *
 * @param models config {@code openai.models}: model names clients send (OpenAI's, say
 *     {@code gpt-4o}) to the CLI model each runs on ({@code sonnet}, {@code opus}, {@code haiku} or
 *     a full Claude model id); listed by {@code GET /v1/models} beside the CLI's own aliases
 */
public record OpenAiConfig(Map<String, String> models) {

  public static final OpenAiConfig DEFAULT = new OpenAiConfig(Map.of());

  public OpenAiConfig {
    Objects.requireNonNull(models, "models");
    for (Map.Entry<String, String> alias : models.entrySet()) {
      if (alias.getKey().isBlank() || alias.getValue() == null || alias.getValue().isBlank()) {
        throw new IllegalArgumentException("\"openai.models\" maps a model name to a CLI model; \"" + alias.getKey()
            + "\" has none");
      }
    }
    models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
  }
}
