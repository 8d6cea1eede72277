package dev.ccs.core.compat;

import java.util.Objects;

/**
 * One message of a chat-style request, reduced to what the CLI can take: its role ({@code user} or
 * {@code assistant}) and its text.
 */
public record ChatMessage(String role, String text) {

  public ChatMessage {
    Objects.requireNonNull(role, "role");
    if (!role.equals("user") && !role.equals("assistant")) {
      throw new IllegalArgumentException("role must be user or assistant, was " + role);
    }
    text = text == null ? "" : text;
  }
}
