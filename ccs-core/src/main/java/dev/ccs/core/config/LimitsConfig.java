package dev.ccs.core.config;

/**
 * How large the parts of a request may be. Not in the Node server's config; every key has a
 * default. Together with the admission bounds ({@code execution.*}, {@code taskQueue.maxPending},
 * {@code streaming.*}, {@code http.*}) they bound what requests can make the server hold in memory.
 *
 * @param maxPromptBytes longest prompt in UTF-8 bytes, config {@code limits.maxPromptBytes}
 * @param maxMetadataBytes largest {@code metadata} object of a session or task (compact JSON, UTF-8),
 *     config {@code limits.maxMetadataBytes}
 * @param maxMetadataDepth deepest nesting of a {@code metadata} object (the object itself is 1),
 *     config {@code limits.maxMetadataDepth}
 * @param maxArgumentBytes longest value that becomes one CLI argument ({@code system_prompt},
 *     {@code append_system_prompt}, {@code mcp_config}), config {@code limits.maxArgumentBytes};
 *     Linux refuses an argument over 128 KiB, so this is at most 131072 minus the flag's name
 */
public record LimitsConfig(int maxPromptBytes, int maxMetadataBytes, int maxMetadataDepth, int maxArgumentBytes) {

  /** Linux's MAX_ARG_STRLEN (32 pages) less room for the longest flag name and its {@code =}. */
  public static final int ARGUMENT_CEILING = 128 * 1024 - 64;

  public static final LimitsConfig DEFAULT = new LimitsConfig(512 * 1024, 16 * 1024, 16, 64 * 1024);

  public LimitsConfig {
    Checks.range("limits.maxPromptBytes", maxPromptBytes, 1024, 64 * 1024 * 1024);
    Checks.range("limits.maxMetadataBytes", maxMetadataBytes, 64, 16 * 1024 * 1024);
    Checks.range("limits.maxMetadataDepth", maxMetadataDepth, 1, 64);
    Checks.range("limits.maxArgumentBytes", maxArgumentBytes, 256, ARGUMENT_CEILING);
  }
}
