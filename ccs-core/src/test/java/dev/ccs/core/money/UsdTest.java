package dev.ccs.core.money;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class UsdTest {

  @Test
  void normalisesJavaScriptDoubleNoise() {
    assertThat(Usd.normalize(new BigDecimal("0.00014800000000000002")).toPlainString()).isEqualTo("0.000148");
    assertThat(Usd.normalize(new BigDecimal("0.30000000000000004")).toPlainString()).isEqualTo("0.3");
    assertThat(Usd.normalize(new BigDecimal("6")).toPlainString()).isEqualTo("6");
    assertThat(Usd.normalize(new BigDecimal("100")).toPlainString()).isEqualTo("100");
    assertThat(Usd.normalize(BigDecimal.ZERO).toPlainString()).isEqualTo("0");
    assertThat(Usd.normalize(null)).isNull();
  }

  @Test
  void sumsAreExactWhereDoublesDrift() {
    BigDecimal total = BigDecimal.ZERO;
    double drifting = 0;
    for (int i = 0; i < 1000; i++) {
      total = Usd.add(total, new BigDecimal("0.0001"));
      drifting += 0.0001;
    }
    assertThat(total).isEqualByComparingTo("0.1");
    assertThat(drifting).isNotEqualTo(0.1);
  }

  @Test
  void perRunCostOfARunningTotal() {
    assertThat(Usd.nonNegativeDifference(new BigDecimal("0.012"), new BigDecimal("0.006"))).isEqualByComparingTo("0.006");
    assertThat(Usd.nonNegativeDifference(new BigDecimal("0.006"), null)).isEqualByComparingTo("0.006");
    // A total that went down means the CLI started a fresh process total: never a negative cost.
    assertThat(Usd.nonNegativeDifference(new BigDecimal("0.001"), new BigDecimal("0.006"))).isEqualByComparingTo("0");
  }
}
