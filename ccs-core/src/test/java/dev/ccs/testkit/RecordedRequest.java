package dev.ccs.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One request the mock Messages API received.
 *
 * @param method HTTP method
 * @param path path and query, as sent
 * @param headers header names in lower case, first value of each
 * @param body the parsed JSON body, or null
 */
public record RecordedRequest(String method, String path, Map<String, String> headers, JsonNode body) {

  /** True for a {@code POST .../v1/messages} call. */
  public boolean isMessages() {
    return method.equals("POST") && path.split("\\?")[0].endsWith("/v1/messages");
  }

  /** Texts of every text block (and string content) of every message, in order, by role. */
  public List<String> messageTexts(String role) {
    List<String> texts = new ArrayList<>();
    if (body == null || !body.has("messages")) {
      return texts;
    }
    for (JsonNode message : body.get("messages")) {
      if (!role.equals(message.path("role").asText())) {
        continue;
      }
      JsonNode content = message.get("content");
      if (content != null && content.isTextual()) {
        texts.add(content.asText());
      } else if (content != null) {
        for (JsonNode block : content) {
          if ("text".equals(block.path("type").asText())) {
            texts.add(block.path("text").asText());
          }
        }
      }
    }
    return texts;
  }
}
