package dev.ccs.core.config;

/**
 * How large the parts of a request may be, and how many records the store keeps. Not in the Node
 * server's config; every key has a default. Together with the admission bounds
 * ({@code execution.*}, {@code taskQueue.maxPending}, {@code streaming.*}, {@code http.*}) they
 * bound what the server holds in memory: the file store keeps a small head of every stored session
 * and task in memory, so their number is bounded too, beside their age ({@code sessionRetentionDays}).
 *
 * @param maxPromptBytes longest prompt in UTF-8 bytes, config {@code limits.maxPromptBytes}
 * @param maxMetadataBytes largest {@code metadata} object of a session or task (compact JSON, UTF-8),
 *     config {@code limits.maxMetadataBytes}
 * @param maxMetadataDepth deepest nesting of a {@code metadata} object (the object itself is 1),
 *     config {@code limits.maxMetadataDepth}
 * @param maxArgumentBytes longest value that becomes one CLI argument ({@code system_prompt},
 *     {@code append_system_prompt}, {@code mcp_config}), config {@code limits.maxArgumentBytes};
 *     Linux refuses an argument over 128 KiB, so this is at most 131072 minus the flag's name
 * @param maxStoredSessions sessions kept, config {@code limits.maxStoredSessions}; beyond it the
 *     least recently used sessions (none with a turn running or a task waiting) are removed with
 *     their messages
 * @param maxStoredMetadataBytes the metadata of all stored sessions together (compact JSON), config
 *     {@code limits.maxStoredMetadataBytes}; beyond it sessions are removed the same way
 * @param maxStoredTasks finished tasks kept, config {@code limits.maxStoredTasks}; beyond it the
 *     oldest finished tasks are removed with their webhook deliveries
 */
public record LimitsConfig(int maxPromptBytes, int maxMetadataBytes, int maxMetadataDepth, int maxArgumentBytes,
    int maxStoredSessions, int maxStoredMetadataBytes, int maxStoredTasks) {

  /** Linux's MAX_ARG_STRLEN (32 pages) less room for the longest flag name and its {@code =}. */
  public static final int ARGUMENT_CEILING = 128 * 1024 - 64;

  public static final LimitsConfig DEFAULT = new LimitsConfig(512 * 1024, 16 * 1024, 16, 64 * 1024,
      10_000, 4 * 1024 * 1024, 10_000);

  public LimitsConfig {
    Checks.range("limits.maxPromptBytes", maxPromptBytes, 1024, 64 * 1024 * 1024);
    Checks.range("limits.maxMetadataBytes", maxMetadataBytes, 64, 16 * 1024 * 1024);
    Checks.range("limits.maxMetadataDepth", maxMetadataDepth, 1, 64);
    Checks.range("limits.maxArgumentBytes", maxArgumentBytes, 256, ARGUMENT_CEILING);
    Checks.range("limits.maxStoredSessions", maxStoredSessions, 10, 100_000_000);
    if (maxStoredMetadataBytes < maxMetadataBytes) {
      throw new IllegalArgumentException("\"limits.maxStoredMetadataBytes\" is " + maxStoredMetadataBytes
          + "; allowed: at least limits.maxMetadataBytes (" + maxMetadataBytes + "), so that one session fits");
    }
    Checks.range("limits.maxStoredTasks", maxStoredTasks, 10, 100_000_000);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Copies a config with some values changed; {@link #build()} validates like the constructor. */
  public static final class Builder {
    private int maxPromptBytes;
    private int maxMetadataBytes;
    private int maxMetadataDepth;
    private int maxArgumentBytes;
    private int maxStoredSessions;
    private int maxStoredMetadataBytes;
    private int maxStoredTasks;

    private Builder(LimitsConfig c) {
      maxPromptBytes = c.maxPromptBytes;
      maxMetadataBytes = c.maxMetadataBytes;
      maxMetadataDepth = c.maxMetadataDepth;
      maxArgumentBytes = c.maxArgumentBytes;
      maxStoredSessions = c.maxStoredSessions;
      maxStoredMetadataBytes = c.maxStoredMetadataBytes;
      maxStoredTasks = c.maxStoredTasks;
    }

    public Builder maxPromptBytes(int value) { maxPromptBytes = value; return this; }
    public Builder maxMetadataBytes(int value) { maxMetadataBytes = value; return this; }
    public Builder maxMetadataDepth(int value) { maxMetadataDepth = value; return this; }
    public Builder maxArgumentBytes(int value) { maxArgumentBytes = value; return this; }
    public Builder maxStoredSessions(int value) { maxStoredSessions = value; return this; }
    public Builder maxStoredMetadataBytes(int value) { maxStoredMetadataBytes = value; return this; }
    public Builder maxStoredTasks(int value) { maxStoredTasks = value; return this; }

    public LimitsConfig build() {
      return new LimitsConfig(maxPromptBytes, maxMetadataBytes, maxMetadataDepth, maxArgumentBytes,
          maxStoredSessions, maxStoredMetadataBytes, maxStoredTasks);
    }
  }
}
