package dev.ccs.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Target checks use literal addresses only, so they need no DNS. */
class WebhookTargetsTest {

  private final WebhookTargets strict = new WebhookTargets(false);
  private final WebhookTargets allowingPrivate = new WebhookTargets(true);

  @Test
  void publicHttpAndHttpsAddressesAreAccepted() {
    assertThat(strict.problem("https://203.0.113.7/hook")).isNull();
    assertThat(strict.problem("http://8.8.8.8:8080/x?y=1")).isNull();
    assertThat(strict.problem("https://[2001:4860:4860::8888]/hook")).isNull();
  }

  @Test
  void otherSchemesCredentialsAndMalformedUrlsAreRefused() {
    assertThat(strict.problem("ftp://203.0.113.7/")).contains("only http and https");
    assertThat(strict.problem("file:///etc/passwd")).contains("only http and https");
    assertThat(strict.problem("https://user:pw@203.0.113.7/")).contains("credentials");
    assertThat(strict.problem("http://")).isNotNull();
    assertThat(strict.problem("not a url")).isNotNull();
  }

  @Test
  void linkLocalAndMetadataAddressesAreRefusedEvenWhenPrivateTargetsAreAllowed() {
    for (String url : new String[] {"http://169.254.169.254/latest/meta-data", "http://169.254.1.1/",
        "http://[fe80::1]/", "http://[fd00:ec2::254]/", "http://100.100.100.200/", "http://metadata.google.internal/"}) {
      assertThat(allowingPrivate.problem(url)).as(url).isNotNull();
      assertThat(strict.problem(url)).as(url).isNotNull();
    }
    assertThat(allowingPrivate.problem("http://0.0.0.0/")).isNotNull();
    assertThat(allowingPrivate.problem("http://224.0.0.1/")).isNotNull();
  }

  @Test
  void loopbackAndPrivateRangesNeedTheOperatorsConsent() {
    for (String url : new String[] {"http://127.0.0.1:8080/", "http://[::1]/", "http://10.1.2.3/", "http://172.16.0.5/",
        "http://192.168.1.10/", "http://100.64.0.1/", "http://[fd12:3456::1]/"}) {
      assertThat(strict.problem(url)).as(url).contains("webhook.allowPrivateTargets");
      assertThat(allowingPrivate.problem(url)).as(url).isNull();
    }
  }
}
