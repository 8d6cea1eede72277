package dev.ccs.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.balance.ProviderFailures.Verdict;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.json.Json;
import dev.ccs.core.protocol.ResultMessage;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderFailuresTest {

  private static RunOutcome outcome(RunStatus status, String subtype, Integer api, String text, int turns)
      throws Exception {
    ResultMessage result = null;
    if (subtype != null) {
      ObjectNode json = Json.object().put("type", "result").put("subtype", subtype)
          .put("is_error", status != RunStatus.SUCCEEDED).put("result", text).put("num_turns", turns)
          .put("session_id", "s").put("total_cost_usd", 0);
      if (api != null) {
        json.put("api_error_status", api);
      }
      result = ResultMessage.from(json.toString(), json);
    }
    return new RunOutcome(status, result, null, 1, Duration.ofSeconds(1), "", "m");
  }

  @ParameterizedTest(name = "{0} {1} api={2} \"{3}\" turns={4}: {5}")
  @CsvSource(nullValues = "-", delimiter = '|', value = {
      "SUCCEEDED    | success             | -   | fine                                   | 1 | HEALTHY",
      "ERROR_RESULT | success             | 529 | API Error: 529 overloaded              | 0 | FAILED",
      "ERROR_RESULT | success             | 503 | API Error: 503                         | 0 | FAILED",
      "ERROR_RESULT | success             | 429 | API Error: Request rejected (429)      | 0 | FAILED",
      "ERROR_RESULT | success             | 401 | Failed to authenticate. API Error: 401 | 0 | FAILED",
      "ERROR_RESULT | success             | 403 | API Error: 403                         | 0 | FAILED",
      "ERROR_RESULT | success             | 400 | API Error: 400 bad request             | 0 | NEUTRAL",
      "ERROR_RESULT | success             | -   | API Error: Connection refused (ECONNREFUSED) | 0 | FAILED",
      "ERROR_RESULT | error_max_turns     | -   | -                                      | 3 | HEALTHY",
      "ERROR_RESULT | error_max_budget_usd| -   | -                                      | 1 | HEALTHY",
      "CRASHED      | -                   | -   | -                                      | 0 | NEUTRAL",
      "TIMED_OUT    | -                   | -   | -                                      | 0 | NEUTRAL",
      "CANCELLED    | -                   | -   | -                                      | 0 | NEUTRAL",
      "START_FAILED | -                   | -   | -                                      | 0 | NEUTRAL",
  })
  void judgesTheProviderByTheResultNotTheExitCode(RunStatus status, String subtype, Integer api, String text,
      int turns, Verdict verdict) throws Exception {
    assertThat(ProviderFailures.of(outcome(status, subtype, api, text, turns))).isEqualTo(verdict);
  }
}
