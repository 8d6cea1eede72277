package dev.ccs.core.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.json.Json;
import dev.ccs.core.protocol.ResultMessage;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

  /** A run that ended with {@code status}; an error result from the API answered {@code apiStatus}. */
  private static RunOutcome outcome(RunStatus status, Integer apiStatus) throws Exception {
    ResultMessage result = null;
    if (status == RunStatus.ERROR_RESULT) {
      String line = "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"result\":\"API Error\","
          + "\"session_id\":\"s\",\"total_cost_usd\":0" + (apiStatus == null ? "" : ",\"api_error_status\":" + apiStatus)
          + "}";
      result = ResultMessage.from(line, (ObjectNode) Json.parse(line));
    }
    return new RunOutcome(status, result, null, 1, Duration.ofSeconds(1), "", "failed");
  }

  @ParameterizedTest(name = "{0} (API {1}), attempt {2} of {3} retries: retry {4}, dead letter {5}")
  @CsvSource(nullValues = "-", value = {
      // status,      api, attempts, retries, retry, deadLetter
      "ERROR_RESULT,  529, 1,        2,       true,  false",
      "ERROR_RESULT,  429, 2,        2,       true,  false",
      "ERROR_RESULT,  503, 3,        2,       false, true",
      "ERROR_RESULT,  500, 1,        0,       false, false",
      "ERROR_RESULT,  400, 1,        2,       false, false",
      "ERROR_RESULT,  401, 1,        2,       false, false",
      "ERROR_RESULT,  -,   1,        2,       false, false",
      "CRASHED,       -,   1,        2,       false, false",
      "TIMED_OUT,     -,   1,        2,       false, false",
      "START_FAILED,  -,   1,        2,       false, false",
  })
  void decides(RunStatus status, Integer api, int attempts, int retries, boolean retry, boolean deadLetter)
      throws Exception {
    RetryPolicy.Decision decision = new RetryPolicy(retries, Duration.ofSeconds(2)).decide(outcome(status, api),
        attempts);

    assertThat(decision.retry()).isEqualTo(retry);
    assertThat(decision.deadLetter()).isEqualTo(deadLetter);
    if (retry) {
      // 2 s doubled per earlier attempt, drawn between half and all of it.
      long full = 2000L << (attempts - 1);
      assertThat(decision.retryAfter().toMillis()).isBetween(full / 2, full);
    }
  }
}
