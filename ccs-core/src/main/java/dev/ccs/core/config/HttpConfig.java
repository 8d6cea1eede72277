package dev.ccs.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * HTTP front-end limits. Not in the Node server's config; every key has a default. Together they
 * make a slow, broken or greedy client cost a bounded amount: a request that arrives too slowly is
 * cut off, one over a limit is refused with a JSON error, and when every handler is busy a request
 * waits a bounded time in a bounded line and is then answered 503.
 *
 * @param maxBodyBytes largest request body of the endpoints that take a prompt, config
 *     {@code http.maxBodyBytes}; other endpoints take at most {@link #SMALL_BODY_BYTES}; larger
 *     bodies get 413
 * @param maxBodyBytesInFlight request bodies held by all requests being handled at once, config
 *     {@code http.maxBodyBytesInFlight}; a request whose body does not fit gets 503
 * @param maxThreads requests handled at once, config {@code http.maxThreads}: virtual threads on Java
 *     21+, platform threads on 17-20 (each then costs its stack, about 120 KiB of memory)
 * @param maxQueuedRequests requests waiting for a handler when {@code maxThreads} run, config
 *     {@code http.maxQueuedRequests}; beyond it a request is answered 503 at once
 * @param queueTimeout longest wait for a handler, config {@code http.queueTimeout} (milliseconds); a
 *     request that waited longer is answered 503 then
 * @param maxConnections open connections, config {@code http.maxConnections}: a safety limit of the
 *     JDK's server, which closes a connection beyond it as soon as it is accepted; far above what
 *     the other limits let clients use
 * @param requestTimeout the request line, headers and body must arrive within it, config
 *     {@code http.requestTimeout} (milliseconds, applied in whole seconds); a slower client is
 *     disconnected
 * @param idleTimeout a kept-alive connection without a request is closed after it, config
 *     {@code http.idleTimeout} (milliseconds, applied in whole seconds)
 * @param ioTimeout longest a single read of a request body or write of a response (an event of a
 *     stream included) may block, config {@code http.ioTimeout} (milliseconds); a client that stops
 *     reading its answer is disconnected
 * @param maxHeaderCount request headers, config {@code http.maxHeaderCount}; more get 431
 * @param maxHeaderBytes request header bytes (names and values), config {@code http.maxHeaderBytes};
 *     more get 431
 * @param maxUrlBytes length of the request target (path and query), config {@code http.maxUrlBytes};
 *     longer gets 414
 */
public record HttpConfig(int maxBodyBytes, int maxBodyBytesInFlight, int maxThreads, int maxQueuedRequests,
    Duration queueTimeout, int maxConnections, Duration requestTimeout, Duration idleTimeout, Duration ioTimeout,
    int maxHeaderCount, int maxHeaderBytes, int maxUrlBytes) {

  /** Body limit of the endpoints that take no prompt (sessions, priorities, statuses). */
  public static final int SMALL_BODY_BYTES = 256 * 1024;

  public static final HttpConfig DEFAULT = new HttpConfig(1024 * 1024, 8 * 1024 * 1024, 512, 512,
      Duration.ofSeconds(10), 4096, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), 64,
      16 * 1024, 8 * 1024);

  public HttpConfig {
    Checks.range("http.maxBodyBytes", maxBodyBytes, 1024, Integer.MAX_VALUE);
    Checks.range("http.maxBodyBytesInFlight", maxBodyBytesInFlight, 1024, Integer.MAX_VALUE);
    if (maxBodyBytesInFlight < maxBodyBytes) {
      throw new IllegalArgumentException("\"http.maxBodyBytesInFlight\" is " + maxBodyBytesInFlight
          + "; allowed: at least http.maxBodyBytes (" + maxBodyBytes + "), or no large request could ever be read");
    }
    Checks.range("http.maxThreads", maxThreads, 2, 10_000);
    Checks.range("http.maxQueuedRequests", maxQueuedRequests, 0, 1_000_000);
    Checks.positive("http.queueTimeout", queueTimeout);
    Checks.range("http.maxConnections", maxConnections, 1, 1_000_000);
    Checks.positive("http.requestTimeout", requestTimeout);
    Checks.positive("http.idleTimeout", idleTimeout);
    Checks.positive("http.ioTimeout", ioTimeout);
    Checks.range("http.maxHeaderCount", maxHeaderCount, 8, 10_000);
    Checks.range("http.maxHeaderBytes", maxHeaderBytes, 1024, 1024 * 1024);
    Checks.range("http.maxUrlBytes", maxUrlBytes, 256, 1024 * 1024);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Copies a config with some values changed; {@link #build()} validates like the constructor. */
  public static final class Builder {
    private int maxBodyBytes;
    private int maxBodyBytesInFlight;
    private int maxThreads;
    private int maxQueuedRequests;
    private Duration queueTimeout;
    private int maxConnections;
    private Duration requestTimeout;
    private Duration idleTimeout;
    private Duration ioTimeout;
    private int maxHeaderCount;
    private int maxHeaderBytes;
    private int maxUrlBytes;

    private Builder(HttpConfig c) {
      maxBodyBytes = c.maxBodyBytes;
      maxBodyBytesInFlight = c.maxBodyBytesInFlight;
      maxThreads = c.maxThreads;
      maxQueuedRequests = c.maxQueuedRequests;
      queueTimeout = c.queueTimeout;
      maxConnections = c.maxConnections;
      requestTimeout = c.requestTimeout;
      idleTimeout = c.idleTimeout;
      ioTimeout = c.ioTimeout;
      maxHeaderCount = c.maxHeaderCount;
      maxHeaderBytes = c.maxHeaderBytes;
      maxUrlBytes = c.maxUrlBytes;
    }

    public Builder maxBodyBytes(int value) { maxBodyBytes = value; return this; }
    public Builder maxBodyBytesInFlight(int value) { maxBodyBytesInFlight = value; return this; }
    public Builder maxThreads(int value) { maxThreads = value; return this; }
    public Builder maxQueuedRequests(int value) { maxQueuedRequests = value; return this; }
    public Builder queueTimeout(Duration value) { queueTimeout = Objects.requireNonNull(value); return this; }
    public Builder maxConnections(int value) { maxConnections = value; return this; }
    public Builder requestTimeout(Duration value) { requestTimeout = Objects.requireNonNull(value); return this; }
    public Builder idleTimeout(Duration value) { idleTimeout = Objects.requireNonNull(value); return this; }
    public Builder ioTimeout(Duration value) { ioTimeout = Objects.requireNonNull(value); return this; }
    public Builder maxHeaderCount(int value) { maxHeaderCount = value; return this; }
    public Builder maxHeaderBytes(int value) { maxHeaderBytes = value; return this; }
    public Builder maxUrlBytes(int value) { maxUrlBytes = value; return this; }

    public HttpConfig build() {
      return new HttpConfig(maxBodyBytes, maxBodyBytesInFlight, maxThreads, maxQueuedRequests, queueTimeout,
          maxConnections, requestTimeout, idleTimeout, ioTimeout, maxHeaderCount, maxHeaderBytes, maxUrlBytes);
    }
  }
}
