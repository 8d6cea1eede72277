package dev.ccs.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP address or CIDR block ({@code 10.0.0.0/8}, {@code ::1}, {@code fd00::/8}), or
 * {@code loopback} for every loopback address. Only literal addresses: a host name here would make
 * a trust decision depend on DNS.
 *
 * @param text as written in the config
 */
public record AddressRange(String text, byte[] network, int prefixBits) {

  private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+(%\\w+)?");

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming what is allowed
   */
  public static AddressRange parse(String text) {
    String t = text.trim();
    if (t.equals("loopback")) {
      return new AddressRange(t, null, 0);
    }
    int slash = t.indexOf('/');
    String address = slash < 0 ? t : t.substring(0, slash);
    if (!LITERAL.matcher(address).matches() || (!address.contains(".") && !address.contains(":"))) {
      throw new IllegalArgumentException(bad(text));
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(bad(text), e);
    }
    int bits = bytes.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(bad(text), e);
      }
      if (bits < 0 || bits > bytes.length * 8) {
        throw new IllegalArgumentException(bad(text));
      }
    }
    return new AddressRange(t, bytes, bits);
  }

  /**
   * The IP address written in {@code text}, or null when it is not a literal address (never a
   * name lookup).
   */
  public static InetAddress literal(String text) {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.isEmpty() || t.length() > 64 || !LITERAL.matcher(t).matches() || (!t.contains(".") && !t.contains(":"))) {
      return null;
    }
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static String bad(String text) {
    return "\"" + text + "\" is not an IP address, CIDR block or \"loopback\"";
  }

  public boolean contains(InetAddress address) {
    if (network == null) {
      return address.isLoopbackAddress();
    }
    byte[] bytes = address.getAddress();
    if (bytes.length != network.length) {
      return false;
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (bytes[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (bytes[full] & mask) == (network[full] & mask);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AddressRange range && range.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
