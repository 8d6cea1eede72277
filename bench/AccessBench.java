import dev.ccs.core.Ccs;
import dev.ccs.core.auth.ApiKeys;
import dev.ccs.core.auth.ApiKeyStore;
import dev.ccs.core.auth.Scope;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.RateLimitConfig;
import dev.ccs.core.config.SecurityConfig;
import dev.ccs.core.time.Scheduler;
import dev.ccs.core.time.Ticker;
import dev.ccs.httpd.CcsHttpServer;
import dev.ccs.httpd.access.AccessGate;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.Gate;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What authentication and rate limiting add to a request (issue 11: under 50 us p50). Two measures:
 * the gate alone in this JVM (a named key looked up by its SHA-256, the scope check, the token
 * bucket, the headers), and over HTTP on 127.0.0.1 with one keep-alive client: the same cheap route
 * on a server with a named key and a rate limit, against one with neither, in alternating rounds.
 *
 * Run: bash bench/run.sh access   (java -cp ccs-httpd/target/ccs-httpd.jar bench/AccessBench.java [requests])
 */
public class AccessBench {

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    gateAlone();
    overHttp(requests);
  }

  private static void gateAlone() {
    String secret = "ccs_sk_bench-secret-0123456789abcdef";
    ApiKeys keys = new ApiKeys(new AuthConfig(true, secret, true), ApiKeyStore.inMemory(), Clock.systemUTC(),
        Scheduler.system());
    for (int i = 0; i < 1000; i++) {
      keys.create("key-" + i, Set.of(Scope.RUN), null);
    }
    String key = keys.create("bench", Set.of(Scope.RUN), null).secret();
    CcsConfig config = CcsConfig.defaults(Path.of("/tmp/ccs-bench")).toBuilder()
        .security(SecurityConfig.DEFAULT.withAuth(new AuthConfig(true, secret, true)))
        .rateLimit(new RateLimitConfig(true, Duration.ofMinutes(1), Integer.MAX_VALUE / 2)).build();
    AccessGate gate = new AccessGate(keys, config, Ticker.system());
    ApiRequest request = new ApiRequest("GET", "/api/tasks/queue/status", Map.of(), Map.of(),
        Map.of("authorization", List.of("Bearer " + key)), new byte[0]);
    InetAddress peer = InetAddress.getLoopbackAddress();
    for (int round = 0; round < 3; round++) {
      long[] nanos = new long[200_000];
      for (int i = 0; i < nanos.length; i++) {
        long start = System.nanoTime();
        Gate.Admission admission = gate.admit(request, peer);
        admission.authorize(Scope.READ);
        admission.headers();
        nanos[i] = System.nanoTime() - start;
      }
      Arrays.sort(nanos);
      System.out.printf("gate alone (named key among 1001, rate limited): p50 %.2f us, p99 %.2f us%n",
          nanos[nanos.length / 2] / 1000.0, nanos[nanos.length * 99 / 100] / 1000.0);
      System.out.printf("FIGURE|access.gate.p50|access gate (named key, rate limit) p50|%.2f|us|%n",
          nanos[nanos.length / 2] / 1000.0);
    }
  }

  private static void overHttp(int requests) throws Exception {
    Path home = Files.createTempDirectory("ccs-access-bench");
    String secret = "ccs_sk_bench-secret-0123456789abcdef";
    CcsConfig open = CcsConfig.defaults(home.resolve("open")).toBuilder().port(0).claudePath("/bin/true")
        .rateLimit(RateLimitConfig.OFF).logLevel("warn").build();
    CcsConfig guarded = CcsConfig.defaults(home.resolve("guarded")).toBuilder().port(0).claudePath("/bin/true")
        .security(SecurityConfig.DEFAULT.toBuilder().auth(new AuthConfig(true, secret, true)).audit(false).build())
        .rateLimit(new RateLimitConfig(true, Duration.ofMinutes(1), Integer.MAX_VALUE / 2)).logLevel("warn").build();
    try (Ccs openCcs = Ccs.builder(open).build(); Ccs guardedCcs = Ccs.builder(guarded).build();
         CcsHttpServer openServer = CcsHttpServer.start(openCcs, "127.0.0.1", 0);
         CcsHttpServer guardedServer = CcsHttpServer.start(guardedCcs, "127.0.0.1", 0)) {
      String key = guardedCcs.apiKeys().create("bench", Set.of(Scope.READ), null).secret();
      HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null)).version(HttpClient.Version.HTTP_1_1)
          .build();
      HttpRequest plain = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + openServer.port()
          + "/api/tasks/queue/status")).build();
      HttpRequest authed = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + guardedServer.port()
          + "/api/tasks/queue/status")).header("Authorization", "Bearer " + key).build();
      run(client, plain, 2000);
      run(client, authed, 2000);
      for (int round = 0; round < 5; round++) {
        // Interleaved, one of each in turn, so that drift (GC, the other core) weighs on both alike.
        long[] a = new long[requests];
        long[] b = new long[requests];
        for (int i = 0; i < requests; i++) {
          a[i] = run(client, plain, 1)[0];
          b[i] = run(client, authed, 1)[0];
        }
        Arrays.sort(a);
        Arrays.sort(b);
        System.out.printf("HTTP c=1 %,d requests: open p50 %.1f us, key + rate limit p50 %.1f us, added %.1f us p50"
            + " (p99 %.1f vs %.1f us)%n", requests, a[a.length / 2] / 1000.0, b[b.length / 2] / 1000.0,
            (b[b.length / 2] - a[a.length / 2]) / 1000.0, a[a.length * 99 / 100] / 1000.0,
            b[b.length * 99 / 100] / 1000.0);
        System.out.printf("FIGURE|access.http.added.p50|auth + rate limit added over HTTP, p50|%.1f|us|< 50%n",
            (b[b.length / 2] - a[a.length / 2]) / 1000.0);
      }
    }
  }

  private static long[] run(HttpClient client, HttpRequest request, int count) throws Exception {
    long[] nanos = new long[count];
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      nanos[i] = System.nanoTime() - start;
      if (response.statusCode() != 200) {
        throw new IllegalStateException("status " + response.statusCode() + ": " + new String(response.body()));
      }
    }
    Arrays.sort(nanos);
    return nanos;
  }
}
