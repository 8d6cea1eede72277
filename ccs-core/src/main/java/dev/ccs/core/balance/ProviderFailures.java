package dev.ccs.core.balance;

import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.protocol.ResultMessage;

/**
 * What a run says about the health of its provider, decided from the run's result, never its exit
 * code (the CLI exits 1 for API errors, max turns and budget stops alike).
 */
public final class ProviderFailures {

  /** A run's verdict on its provider. */
  public enum Verdict {
    /** The model answered (max turns and budget stops included). */
    HEALTHY,
    /** The provider refused or could not be reached: authentication, rate limit, overload, server error, connection. */
    FAILED,
    /** Nothing about the provider: cancelled, timed out, the CLI crashed or could not start, a bad request. */
    NEUTRAL
  }

  private ProviderFailures() {
  }

  public static Verdict of(RunOutcome outcome) {
    ResultMessage result = outcome.result();
    switch (outcome.status()) {
      case SUCCEEDED:
        return Verdict.HEALTHY;
      case ERROR_RESULT:
        break;
      default:
        return Verdict.NEUTRAL;
    }
    Integer status = result.apiErrorStatus();
    if (status != null) {
      return status == 401 || status == 403 || status == 429 || status >= 500 ? Verdict.FAILED : Verdict.NEUTRAL;
    }
    // Without a status the CLI still names an unreachable API: "API Error: Connection refused ...".
    String text = result.result();
    if (text != null && text.startsWith("API Error")) {
      return Verdict.FAILED;
    }
    // Max turns, budget stops: the model was reached.
    return result.numTurns() > 0 ? Verdict.HEALTHY : Verdict.NEUTRAL;
  }

  /**
   * Whether the run failed because of its provider before the model answered anything (no token
   * was used), so that running it again elsewhere repeats no tool call.
   */
  public static boolean failedBeforeModel(RunOutcome outcome) {
    if (of(outcome) != Verdict.FAILED) {
      return false;
    }
    dev.ccs.core.protocol.Usage usage = outcome.result().usage();
    return usage == null || (usage.inputTokens() == 0 && usage.outputTokens() == 0
        && usage.cacheReadInputTokens() == 0 && usage.cacheCreationInputTokens() == 0);
  }
}
