package dev.ccs.core.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-CCS-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}.
 * The timestamp is signed too, so a receiver can refuse an old delivery replayed later.
 */
public final class WebhookSigner {

  public static final String HEADER = "X-CCS-Signature";

  private final byte[] secret;

  public WebhookSigner(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  public String sign(long unixSeconds, String body) {
    return "t=" + unixSeconds + ",v1=" + hmac(unixSeconds + "." + body);
  }

  /**
   * Checks a header as a receiver would: the signature matches and the timestamp is within
   * {@code toleranceSeconds} of {@code nowSeconds}.
   */
  public boolean verify(String header, String body, long nowSeconds, long toleranceSeconds) {
    if (header == null) {
      return false;
    }
    String timestamp = null;
    String signature = null;
    for (String part : header.split(",")) {
      if (part.startsWith("t=")) {
        timestamp = part.substring(2);
      } else if (part.startsWith("v1=")) {
        signature = part.substring(3);
      }
    }
    if (timestamp == null || signature == null) {
      return false;
    }
    long t;
    try {
      t = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return false;
    }
    return Math.abs(nowSeconds - t) <= toleranceSeconds
        && MessageDigest.isEqual(hmac(timestamp + "." + body).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }

  private String hmac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
