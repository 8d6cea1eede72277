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
        return refused + " (" + host + " is " + address.getHostAddress() + ")";
      }
    }
    return null;
  }

  private String refused(InetAddress address) {
    if (address.isLinkLocalAddress() || isMetadata(address)) {
      return "link-local and cloud metadata addresses are not allowed";
    }
    if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
      return "this address is not a webhook receiver";
    }
    boolean local = address.isLoopbackAddress() || address.isSiteLocalAddress() || isUniqueLocal(address)
        || isSharedAddressSpace(address);
    if (local && !allowPrivate) {
      return "loopback and private addresses are not allowed (webhook.allowPrivateTargets)";
    }
    return null;
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
