package dev.ccs.httpd.routing;

import dev.ccs.core.auth.Scope;
import java.net.InetAddress;
import java.util.Map;

/**
 * Who may come in, before any handler runs: {@link #admit} before the route is looked up (the
 * client's address, its key), {@link Admission#authorize} once the route, and so the scope it
 * needs, is known. A refusal is an {@link ApiError} (401, 403, 429) with its headers.
 */
@FunctionalInterface
public interface Gate {

  /** Lets everyone in, with every scope. */
  Gate OPEN = (request, peer) -> Admission.open(peer == null ? "-" : peer.getHostAddress());

  /**
   * @param request the request without its body
   * @param peer the connection's remote address
   * @throws ApiError to refuse
   */
  Admission admit(ApiRequest request, InetAddress peer);

  /** A request let in: who sent it, and what it may still be refused. */
  interface Admission {

    /** The client's address (from a trusted proxy's {@code X-Forwarded-For}, else the peer's). */
    String client();

    /** The caller's key name, or {@code "anonymous"} when authentication is off. */
    String caller();

    /** Whether the caller holds {@code scope}. */
    boolean may(Scope scope);

    /**
     * Checks that the caller may call a route needing {@code scope}, and charges its rate limit.
     *
     * @throws ApiError 403 or 429
     */
    void authorize(Scope scope);

    /** Headers every answer to this request carries (the rate limit's). */
    Map<String, String> headers();

    static Admission open(String client) {
      return new Admission() {
        @Override
        public String client() {
          return client;
        }

        @Override
        public String caller() {
          return "anonymous";
        }

        @Override
        public boolean may(Scope scope) {
          return true;
        }

        @Override
        public void authorize(Scope scope) {
        }

        @Override
        public Map<String, String> headers() {
          return Map.of();
        }
      };
    }
  }
}
