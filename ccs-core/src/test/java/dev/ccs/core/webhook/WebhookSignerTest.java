package dev.ccs.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookSignerTest {

  private final WebhookSigner signer = new WebhookSigner("whsec_abc");

  @Test
  void signsTheTimestampAndTheBodyWithHmacSha256() {
    // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_abc
    assertThat(signer.sign(1_700_000_000L, "{\"a\":1}"))
        .isEqualTo("t=1700000000,v1=3b843bacfb18cc5554542fdcc84d815b399c52758e508a6fcecf0a2af4efea2b");
  }

  @Test
  void verifiesOnlyTheSameBodyTheSameSecretAndARecentTimestamp() {
    String header = signer.sign(1_000, "body");

    assertThat(signer.verify(header, "body", 1_000, 300)).isTrue();
    assertThat(signer.verify(header, "body", 1_300, 300)).isTrue();
    assertThat(signer.verify(header, "body", 1_301, 300)).as("too old: a replay").isFalse();
    assertThat(signer.verify(header, "body!", 1_000, 300)).isFalse();
    assertThat(new WebhookSigner("other").verify(header, "body", 1_000, 300)).isFalse();
    assertThat(signer.verify(header.replace("t=1000", "t=1001"), "body", 1_000, 300)).as("timestamp is signed").isFalse();
    assertThat(signer.verify(null, "body", 1_000, 300)).isFalse();
    assertThat(signer.verify("v1=abc", "body", 1_000, 300)).isFalse();
    assertThat(signer.verify("t=x,v1=abc", "body", 1_000, 300)).isFalse();
  }
}
