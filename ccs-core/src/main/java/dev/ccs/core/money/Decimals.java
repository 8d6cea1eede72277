package dev.ccs.core.money;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.error.CcsException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Client decimals (money, mostly) kept to sizes that arithmetic and printing stay cheap for. A
 * {@link BigDecimal} parsed from {@code 1e-999999999} is ten bytes of input, but its plain form, or
 * a comparison with a number of ordinary scale, expands the exponent into a billion digits.
 */
public final class Decimals {

  /** Most digits after the decimal point of an amount (a micro-dollar has 6). */
  public static final int MAX_SCALE = 12;
  /** Most digits before the decimal point of an amount. */
  public static final int MAX_INTEGER_DIGITS = 15;
  /**
   * Most digits, and largest exponent, of a number kept in stored JSON: enough for every double
   * (1.8e308), few enough that the plain form of any such number stays under a kilobyte.
   */
  public static final int MAX_STORED_DIGITS = 400;

  private Decimals() {
  }

  /**
   * @return {@code value}, when it has at most {@link #MAX_SCALE} digits after the point and
   *     {@link #MAX_INTEGER_DIGITS} before it (trailing zeros do not count)
   * @throws CcsException.InvalidRequest naming {@code field} otherwise
   */
  public static BigDecimal check(String field, BigDecimal value) {
    // stripTrailingZeros, scale and precision are cheap whatever the exponent.
    BigDecimal stripped = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    if (stripped.scale() > MAX_SCALE) {
      throw new CcsException.InvalidRequest("\"" + field + "\" must have at most " + MAX_SCALE
          + " digits after the decimal point");
    }
    if ((long) stripped.precision() - stripped.scale() > MAX_INTEGER_DIGITS) {
      throw new CcsException.InvalidRequest("\"" + field + "\" must be less than 1e" + MAX_INTEGER_DIGITS);
    }
    return value;
  }

  /** Whether a JSON number can be written back as given (see {@link #MAX_STORED_DIGITS}). */
  public static boolean storable(JsonNode number) {
    if (number.isBigDecimal()) {
      BigDecimal value = number.decimalValue();
      return value.precision() <= MAX_STORED_DIGITS && Math.abs((long) value.scale()) <= MAX_STORED_DIGITS;
    }
    if (number.isBigInteger()) {
      BigInteger value = number.bigIntegerValue();
      return value.bitLength() <= MAX_STORED_DIGITS * 4;
    }
    return true; // int, long, double: fixed size
  }
}
