package dev.ccs.httpd.access;

import dev.ccs.core.auth.ApiKeys;
import dev.ccs.core.auth.Authentication;
import dev.ccs.core.auth.Caller;
import dev.ccs.core.auth.Scope;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.RateLimitConfig;
import dev.ccs.core.config.SecurityConfig;
import dev.ccs.core.ratelimit.RateDecision;
import dev.ccs.core.ratelimit.RateLimiter;
import dev.ccs.core.time.Ticker;
import dev.ccs.httpd.routing.ApiError;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ErrorMapping;
import dev.ccs.httpd.routing.Gate;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Authentication, scopes and rate limits, in this order:
 * <ol>
 *   <li>the client's address ({@link ClientAddress}: {@code X-Forwarded-For} only from trusted proxies);
 *   <li>with authentication on, a per-address limit before the key is even looked at, so that key
 *       guessing is throttled (each refused key costs two requests of it);
 *   <li>the key: {@code Authorization: Bearer ccs_ak_…} or {@code X-API-Key: ccs_ak_…};
 *   <li>once the route is known, the scope it needs, then the key's own limit (the address's with
 *       authentication off), whose state every answer reports in the {@code RateLimit-*} headers.
 * </ol>
 * Authentication covers every path except {@code /health} and {@code /metrics} where the config
 * lets them through, and the Swagger UI page when it is enabled (its document only where
 * {@code security.swaggerDocs.public}); the limits cover {@code /api/}.
 * The settings can be replaced while serving ({@link #reconfigure}); each request sees one set.
 */
public final class AccessGate implements Gate {

  private static final String HINT = "Use: Authorization: Bearer ccs_ak_<your-api-key> (or X-API-Key: ccs_ak_<your-api-key>)";
  /**
   * Buckets tracked at once per limiter before newcomers share one (a flood of addresses): about
   * 125 bytes each (measured: 50 000 IPv4 keys take 5.8 MiB), so at most ~6 MiB of the heap. A
   * client's bucket is forgotten once full again (0.6 s after one request at 100 a minute), so only
   * a flood of fresh addresses fills it.
   */
  static final int MAX_TRACKED = 50_000;

  /** The settings one request sees. */
  private record Policy(SecurityConfig security, RateLimitConfig rate, RateLimiter perCaller, RateLimiter perAddress) {

    AuthConfig auth() {
      return security.auth();
    }
  }

  private final ApiKeys keys;
  private final Ticker ticker;
  private volatile Policy policy;

  public AccessGate(ApiKeys keys, CcsConfig config, Ticker ticker) {
    this.keys = keys;
    this.ticker = ticker;
    reconfigure(config);
  }

  /** Takes new settings; rate limit state is kept when the limits did not change. */
  public synchronized void reconfigure(CcsConfig config) {
    Policy old = policy;
    RateLimitConfig rate = config.rateLimit();
    RateLimiter perCaller;
    RateLimiter perAddress;
    if (old != null && old.rate.equals(rate)) {
      perCaller = old.perCaller;
      perAddress = old.perAddress;
    } else {
      perCaller = new RateLimiter(rate.maxRequests(), rate.window(), rate.burst(), MAX_TRACKED, ticker);
      perAddress = new RateLimiter(rate.perAddressMaxRequests(), rate.window(), rate.perAddressMaxRequests(),
          MAX_TRACKED, ticker);
    }
    // The keys themselves (the derived key's secret) are the engine's: Ccs.reconfigure updates them.
    policy = new Policy(config.security(), rate, perCaller, perAddress);
  }

  @Override
  public Admission admit(ApiRequest request, InetAddress peer) {
    Policy p = policy;
    InetAddress address = ClientAddress.resolve(peer, request.header("x-forwarded-for"), p.security);
    String client = address == null ? "-" : address.getHostAddress();
    String addressKey = ClientAddress.limitKey(address);
    String path = request.path();
    // The native API and the compatible faces (OpenAI, Anthropic) are limited alike.
    boolean api = path.equals("/api") || path.startsWith("/api/") || path.startsWith("/v1/");
    boolean limited = api && p.rate.enabled();
    if (!p.auth().enabled() || open(path, p)) {
      return new Admitted(p, client, Caller.ANONYMOUS, "a:" + addressKey, limited);
    }
    if (limited) {
      RateDecision before = p.perAddress.acquire(addressKey);
      if (!before.allowed()) {
        throw tooManyRequests(p, before);
      }
    }
    Authentication result = authenticate(request);
    if (result instanceof Authentication.Denied denied) {
      if (limited) {
        p.perAddress.charge(addressKey, 1);
      }
      throw unauthorized(denied);
    }
    Caller caller = ((Authentication.Granted) result).caller();
    return new Admitted(p, client, caller, "k:" + caller.keyId(), limited);
  }

  private static boolean open(String path, Policy p) {
    return switch (path) {
      case "/health" -> p.auth().bypassHealthCheck();
      case "/metrics" -> p.auth().bypassMetrics();
      // The page and its scripts hold nothing of this server; the document describes its API and
      // wants a key unless the operator publishes it (Node defect #8: it was always public).
      case "/api-docs" -> p.security.swaggerDocs();
      case "/api-docs.json" -> p.security.swaggerDocs() && p.security.swaggerDocsPublic();
      default -> path.startsWith("/api-docs/") && p.security.swaggerDocs();
    };
  }

  private Authentication authenticate(ApiRequest request) {
    String header = request.header("authorization");
    String apiKey = request.header("x-api-key");
    if (header == null && apiKey == null) {
      return new Authentication.Denied("missing_header", "Missing Authorization header", HINT);
    }
    if (header != null) {
      if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return new Authentication.Denied("invalid_format", "Invalid Authorization format", HINT);
      }
      return keys.authenticate(header.substring(7).trim());
    }
    return keys.authenticate(apiKey.trim());
  }

  private static ApiError unauthorized(Authentication.Denied denied) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("reason", denied.reason());
    if (denied.hint() != null) {
      fields.put("hint", denied.hint());
    }
    return new ApiError(401, "unauthorized", denied.message(), Map.of("WWW-Authenticate", "Bearer"), fields);
  }

  private static ApiError tooManyRequests(Policy p, RateDecision decision) {
    Map<String, String> headers = new LinkedHashMap<>(headers(p, decision));
    String retry = ErrorMapping.retryAfterSeconds(decision.retryAfter());
    headers.put("Retry-After", retry);
    return new ApiError(429, "rate_limited", "Too many requests, please try again later.", headers,
        Map.of("retryAfter", Long.parseLong(retry), "retry_after_ms", Math.max(1, decision.retryAfter().toMillis())));
  }

  private static Map<String, String> headers(Policy p, RateDecision decision) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("RateLimit-Policy", p.rate.maxRequests() + ";w=" + Math.max(1, p.rate.window().toSeconds()));
    headers.put("RateLimit-Limit", Long.toString(decision.limit()));
    headers.put("RateLimit-Remaining", Long.toString(decision.remaining()));
    headers.put("RateLimit-Reset", ErrorMapping.retryAfterSeconds(decision.reset()));
    return headers;
  }

  /** A request let in; its rate limit is charged once its route's scope is checked. */
  private static final class Admitted implements Admission {
    private final Policy policy;
    private final String client;
    private final Caller caller;
    private final String limitKey;
    private final boolean limited;
    private Map<String, String> headers = Map.of();

    Admitted(Policy policy, String client, Caller caller, String limitKey, boolean limited) {
      this.policy = policy;
      this.client = client;
      this.caller = caller;
      this.limitKey = limitKey;
      this.limited = limited;
    }

    @Override
    public String client() {
      return client;
    }

    @Override
    public String caller() {
      return caller.name();
    }

    @Override
    public boolean may(Scope scope) {
      return caller.may(scope);
    }

    @Override
    public void authorize(Scope scope) {
      if (!caller.may(scope)) {
        throw new ApiError(403, "insufficient_scope", "The API key \"" + caller.name() + "\" may not do this: it needs the "
            + scope.wireName() + " scope", Map.of(), Map.of("required_scope", scope.wireName()));
      }
      if (limited) {
        RateDecision decision = policy.perCaller.acquire(limitKey);
        if (!decision.allowed()) {
          throw tooManyRequests(policy, decision);
        }
        headers = AccessGate.headers(policy, decision);
      }
    }

    @Override
    public Map<String, String> headers() {
      return headers;
    }
  }
}
