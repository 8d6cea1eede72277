package dev.ccs.core.warm;

import dev.ccs.core.exec.ClaudeCommand;
import dev.ccs.core.exec.ClaudeRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a warm process is pinned to: everything a request fixes at the CLI's start (its flags: model,
 * system prompts, tools, permission mode, MCP configs, settings file, agent, max turns; its working
 * directory; its environment, which holds the provider's credentials and endpoint), except what
 * changes from turn to turn (the session flag, the output format, the budget, which is checked on its
 * own). Kept as a digest, so that no credential is held twice or shown anywhere.
 */
final class Fingerprint {

  private Fingerprint() {
  }

  static String of(String executable, ClaudeRequest request) {
    List<String> argv = ClaudeCommand.interactiveArgv(executable, request.toBuilder().newSession(null)
        .maxBudgetUsd(null).build());
    MessageDigest digest = sha256();
    argv.forEach(arg -> field(digest, "arg", arg));
    field(digest, "cwd", request.workingDirectory().toAbsolutePath().normalize().toString());
    for (Map.Entry<String, String> variable : new TreeMap<>(request.environment()).entrySet()) {
      field(digest, "env", variable.getKey() + "=" + variable.getValue());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Each field with its kind and length, so that no two different requests share a digest input. */
  private static void field(MessageDigest digest, String kind, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    digest.update((kind + ":" + bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
    digest.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
