package dev.ccs.core.config;

/**
 * HTTP front-end limits. Not in the Node server's config; every key has a default.
 *
 * @param maxBodyBytes largest accepted request body, config {@code http.maxBodyBytes}; larger
 *     bodies get 413
 * @param maxThreads handler threads on Java 17 (on 21+ every exchange gets a virtual thread),
 *     config {@code http.maxThreads}
 */
public record HttpConfig(int maxBodyBytes, int maxThreads) {

  public static final HttpConfig DEFAULT = new HttpConfig(10 * 1024 * 1024, 200);

  public HttpConfig {
    Checks.range("http.maxBodyBytes", maxBodyBytes, 1024, Integer.MAX_VALUE);
    Checks.range("http.maxThreads", maxThreads, 2, 10_000);
  }
}
