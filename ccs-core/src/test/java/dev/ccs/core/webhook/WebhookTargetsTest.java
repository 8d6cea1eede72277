package dev.ccs.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Node defect #9: any {@code webhook_url} got server-side POSTs, loopback and cloud metadata
 * addresses included. Target checks use literal addresses only, so they need no DNS.
 */
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

  @Test
  void addressesThatCarryAnIpv4AddressAreJudgedAsThatAddress() {
    // NAT64, IPv4-compatible and 6to4 forms of loopback, private and metadata addresses.
    for (String url : new String[] {"http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a01:203]/", "http://[::127.0.0.1]/",
        "http://[::10.0.0.1]/", "http://[2002:7f00:1::]/", "http://[2002:c0a8:101::1]/"}) {
      assertThat(strict.problem(url)).as(url).contains("webhook.allowPrivateTargets");
    }
    for (String url : new String[] {"http://[64:ff9b::a9fe:a9fe]/", "http://[::169.254.169.254]/",
        "http://[2002:a9fe:a9fe::]/"}) {
      assertThat(allowingPrivate.problem(url)).as(url).contains("link-local or cloud metadata");
    }
    // A public address behind NAT64 is a public address.
    assertThat(strict.problem("http://[64:ff9b::808:808]/")).isNull();
    assertThat(strict.problem("http://[::ffff:127.0.0.1]/")).contains("webhook.allowPrivateTargets");
  }

  @Test
  void reservedBroadcastAndBenchmarkingRangesAreNeverTargets() {
    for (String url : new String[] {"http://255.255.255.255/", "http://240.0.0.1/", "http://250.1.2.3/",
        "http://198.18.0.1/", "http://198.19.255.254/", "http://192.0.0.8/", "http://0.1.2.3/",
        "http://[100::1]/", "http://[2001:db8::1]/", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
        "http://[64:ff9b:1::a00:1]/"}) {
      assertThat(allowingPrivate.problem(url)).as(url).contains("reserved");
      assertThat(strict.problem(url)).as(url).isNotNull();
    }
    // Neighbours of those ranges stay usable.
    assertThat(strict.problem("http://198.20.0.1/")).isNull();
    assertThat(strict.problem("http://192.0.1.1/")).isNull();
    assertThat(strict.problem("http://239.255.255.255/")).isNotNull(); // multicast
    assertThat(strict.problem("http://223.255.255.254/")).isNull();
  }

  @Test
  void refusalsNeverSayWhatAnAddressItResolvedTo() {
    // "localhost" resolves (to 127.0.0.1 or ::1) from the hosts file, without a DNS query.
    String problem = strict.problem("http://localhost:9/hook");
    assertThat(problem).contains("loopback or private").doesNotContain("127.0.0.1").doesNotContain("::1");
  }
}
