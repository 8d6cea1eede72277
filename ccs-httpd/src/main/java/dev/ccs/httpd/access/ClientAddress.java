package dev.ccs.httpd.access;

import dev.ccs.core.config.AddressRange;
import dev.ccs.core.config.SecurityConfig;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The client behind a request. {@code X-Forwarded-For} is read only when the connection comes from
 * a trusted proxy ({@code trustProxy}), and then from the right: each hop added by a trusted proxy is
 * skipped, and the first address a trusted proxy did not add is the client. A client cannot
 * choose its address by sending the header itself.
 */
final class ClientAddress {

  private ClientAddress() {
  }

  static InetAddress resolve(InetAddress peer, String forwardedFor, SecurityConfig security) {
    if (peer == null || forwardedFor == null || !security.trustsProxy(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    InetAddress client = peer;
    for (int i = hops.length - 1; i >= 0 && security.trustsProxy(client); i--) {
      InetAddress hop = AddressRange.literal(hops[i]);
      if (hop == null) {
        break; // a malformed entry: trust stops at the last proxy that spoke properly
      }
      client = hop;
    }
    return client;
  }

  /**
   * The rate limit's key for {@code address}: the address itself, or for IPv6 its /64 network (one
   * host is usually given a whole /64, so single addresses would cost an attacker nothing).
   */
  static String limitKey(InetAddress address) {
    if (address == null) {
      return "-";
    }
    if (address instanceof Inet6Address) {
      byte[] bytes = address.getAddress();
      StringBuilder key = new StringBuilder("v6:");
      for (int i = 0; i < 8; i++) {
        key.append(String.format("%02x", bytes[i] & 0xFF));
      }
      return key.append("/64").toString();
    }
    return address.getHostAddress();
  }
}
