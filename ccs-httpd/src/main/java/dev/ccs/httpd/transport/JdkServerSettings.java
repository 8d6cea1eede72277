package dev.ccs.httpd.transport;

import dev.ccs.core.config.HttpConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits of the JDK's HTTP server that only system properties set, read once per JVM when its
 * first server is created. An operator's own {@code -D} setting wins. The server's own header
 * limits are set well above ccs's ({@code http.maxHeaderCount}, {@code http.maxHeaderBytes},
 * {@code http.maxUrlBytes}), so that a request somewhat over them gets ccs's JSON 414 or 431, and
 * only an absurd one is cut off by the JDK before it is read whole.
 */
public final class JdkServerSettings {

  private static final Logger LOG = LoggerFactory.getLogger(JdkServerSettings.class);
  private static Map<String, String> applied;

  private JdkServerSettings() {
  }

  /** The properties for {@code config}. */
  static Map<String, String> properties(HttpConfig config) {
    Map<String, String> properties = new LinkedHashMap<>();
    // Without TCP_NODELAY the JDK server's small writes (headers, then body; each SSE event) can
    // wait for a delayed ACK: tens of milliseconds per response.
    properties.put("sun.net.httpserver.nodelay", "true");
    properties.put("sun.net.httpserver.maxReqTime", Long.toString(seconds(config.requestTimeout())));
    properties.put("sun.net.httpserver.idleInterval", Long.toString(seconds(config.idleTimeout())));
    properties.put("jdk.httpserver.maxConnections", Integer.toString(config.maxConnections()));
    properties.put("sun.net.httpserver.maxReqHeaders", Integer.toString(config.maxHeaderCount() * 2 + 16));
    properties.put("sun.net.httpserver.maxReqHeaderSize",
        Integer.toString(Math.max(config.maxHeaderBytes(), config.maxUrlBytes()) * 2 + 4096));
    // A body the handler did not read (a refusal before reading it) is not drained, which could
    // block on a client that sends it slowly or malformed: the connection is closed instead.
    properties.put("sun.net.httpserver.drainAmount", "0");
    return properties;
  }

  /** Sets the properties for {@code config} unless set already; the first call in a JVM counts. */
  public static synchronized void apply(HttpConfig config) {
    Map<String, String> wanted = properties(config);
    if (applied != null) {
      if (!applied.equals(wanted)) {
        LOG.warn("this JVM's HTTP server limits were set by an earlier server ({}); the JDK reads them once", applied);
      }
      return;
    }
    Map<String, String> effective = new LinkedHashMap<>();
    wanted.forEach((name, value) -> {
      String existing = System.getProperty(name);
      if (existing == null) {
        System.setProperty(name, value);
        effective.put(name, value);
      } else {
        effective.put(name, existing);
      }
    });
    applied = wanted;
    LOG.debug("JDK HTTP server settings: {}", effective);
  }

  private static long seconds(Duration duration) {
    return Math.max(1, (duration.toMillis() + 999) / 1000);
  }
}
