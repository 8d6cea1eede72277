package dev.ccs.core.money;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * US-dollar amounts as {@link BigDecimal}, never {@code double}, so that sums of many small costs
 * are exact. The CLI prints costs as JavaScript doubles ({@code 0.00014800000000000002}); they are
 * rounded to ten decimal places (a hundredth of a micro-dollar, far below any per-token price) to
 * drop that binary noise before anything is added up.
 */
public final class Usd {

  public static final int SCALE = 10;

  private Usd() {
  }

  /** {@code value} rounded to {@link #SCALE} places, trailing zeros removed; null stays null. */
  public static BigDecimal normalize(BigDecimal value) {
    if (value == null) {
      return null;
    }
    BigDecimal rounded = value.setScale(SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
    return rounded.scale() < 0 ? rounded.setScale(0) : rounded;
  }

  /** The sum of two amounts, each possibly null (as zero). */
  public static BigDecimal add(BigDecimal a, BigDecimal b) {
    return normalize((a == null ? BigDecimal.ZERO : a).add(b == null ? BigDecimal.ZERO : b));
  }

  /** {@code a - b}, never below zero (a running total that went backwards means a fresh process). */
  public static BigDecimal nonNegativeDifference(BigDecimal a, BigDecimal b) {
    BigDecimal difference = (a == null ? BigDecimal.ZERO : a).subtract(b == null ? BigDecimal.ZERO : b);
    return normalize(difference.signum() < 0 ? BigDecimal.ZERO : difference);
  }
}
