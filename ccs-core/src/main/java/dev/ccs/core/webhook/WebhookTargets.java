package dev.ccs.core.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Which URLs ccs posts webhooks to: http and https only; never link-local or cloud metadata
 * addresses; loopback and private networks only when the operator allows them. The host is
 * resolved and every address checked, at submission and again before each attempt.
 */
public final class WebhookTargets {

  private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata", "metadata.azure.com");

  private final boolean allowPrivate;

  public WebhookTargets(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /** Null when {@code url} may be used, else why not. */
  public String problem(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "not a valid URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "only http and https webhook URLs are allowed";
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      return "the URL has no host";
    }
    if (uri.getUserInfo() != null) {
      return "credentials in webhook URLs are not allowed";
    }
    if (METADATA_HOSTS.contains(host.toLowerCase(Locale.ROOT))) {
      return "cloud metadata addresses are not allowed";
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return "the host " + host + " cannot be resolved";
    }
    for (InetAddress address : addresses) {
      String refused = refused(address);
      if (refused != null) {
        // Never which address: a caller must not learn what internal names resolve to.
        return refused;
      }
    }
    return null;
  }

  private String refused(InetAddress address) {
    // An IPv6 address that carries an IPv4 one (NAT64, IPv4-compatible, 6to4) reaches that IPv4
    // address: it is judged as that address.
    Inet4Address embedded = embeddedIpv4(address);
    if (embedded != null) {
      return refused(embedded);
    }
    if (address.isLinkLocalAddress() || isMetadata(address)) {
      return "the host is a link-local or cloud metadata address, which is never a webhook target";
    }
    if (address.isAnyLocalAddress() || address.isMulticastAddress() || isReserved(address)) {
      return "the host is a reserved, broadcast or multicast address, not a webhook receiver";
    }
    boolean local = address.isLoopbackAddress() || address.isSiteLocalAddress() || isUniqueLocal(address)
        || isSharedAddressSpace(address);
    if (local && !allowPrivate) {
      return "the host is a loopback or private address, allowed only with webhook.allowPrivateTargets";
    }
    return null;
  }

  /**
   * The IPv4 address inside {@code 64:ff9b::/96} (NAT64),
   * {@code ::/96} (IPv4-compatible, but not {@code ::} and {@code ::1}) and {@code 2002::/16}
   * (6to4); null for any other address. (IPv4-mapped {@code ::ffff:0:0/96} arrives as an
   * {@link Inet4Address} already.)
   */
  static Inet4Address embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return null;
    }
    byte[] b = address.getAddress();
    int offset = -1;
    if (prefix(b, new int[] {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {
      offset = 12;
    } else if (prefix(b, new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
        && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1))) {
      offset = 12;
    } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      offset = 2;
    }
    if (offset < 0) {
      return null;
    }
    try {
      return (Inet4Address) InetAddress.getByAddress(new byte[] {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }

  private static boolean prefix(byte[] bytes, int[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * IPv4 {@code 0.0.0.0/8} (this network), {@code 192.0.0.0/24} (IETF protocol assignments),
   * {@code 198.18.0.0/15} (benchmarking), {@code 240.0.0.0/4} (reserved, with the broadcast address
   * 255.255.255.255); IPv6 {@code 100::/64} (discard), {@code 64:ff9b:1::/48} (local-use NAT64,
   * whose IPv4 address sits where its operator chose), {@code 2001::/32} (Teredo, whose IPv4 end
   * is obscured) and {@code 2001:db8::/32} (documentation).
   */
  static boolean isReserved(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first == 0 || first >= 240 || (first == 192 && second == 0 && (b[2] & 0xff) == 0)
          || (first == 198 && (second & 0xfe) == 18);
    }
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    int w2 = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
    boolean discard = w0 == 0x0100 && w1 == 0 && w2 == 0 && b[6] == 0 && b[7] == 0;
    boolean localNat64 = w0 == 0x0064 && w1 == 0xff9b && w2 == 0x0001;
    return discard || localNat64 || (w0 == 0x2001 && (w1 == 0 || w1 == 0x0db8));
  }

  private static boolean isMetadata(InetAddress address) {
    String text = address.getHostAddress();
    return text.equals("169.254.169.254") || text.startsWith("fd00:ec2:") || text.equals("100.100.100.200");
  }

  /** fc00::/7 */
  private static boolean isUniqueLocal(InetAddress address) {
    return address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
  }

  /** 100.64.0.0/10 (carrier-grade NAT), private in practice. */
  private static boolean isSharedAddressSpace(InetAddress address) {
    if (!(address instanceof Inet4Address)) {
      return false;
    }
    byte[] bytes = address.getAddress();
    return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
  }
}
