package dev.ccs.core.exec;

import java.time.Instant;

/**
 * Whether the {@code claude} CLI can be run, as found by {@link ClaudeCli#probe}.
 *
 * @param configuredPath {@code claudePath} as configured
 * @param resolvedPath the absolute path it resolved to, or null if not found
 * @param version what {@code claude --version} printed first (e.g. {@code 2.1.330}), or null
 * @param problem why it is unavailable, with what to do about it; null when available
 * @param checkedAt when the probe ran
 */
public record CliStatus(String configuredPath, String resolvedPath, String version, String problem,
    Instant checkedAt) {

  public boolean available() {
    return problem == null;
  }
}
