package dev.ccs.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmoothWeightedTest {

  private static final Map<String, Integer> WEIGHTS = Map.of("A", 3, "B", 1, "C", 2);

  @Test
  void weightsThreeToOneGiveSeventyFiveToTwentyFiveAndNoBursts() {
    SmoothWeighted<String> picker = new SmoothWeighted<>(WEIGHTS::get);
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      picks.add(picker.pick(List.of("A", "B")).orElseThrow());
    }

    long a = picks.stream().filter("A"::equals).count();
    assertThat(a / 10_000.0).isBetween(0.74, 0.76);
    for (int i = 0; i + 4 <= picks.size(); i++) {
      long inWindow = picks.subList(i, i + 4).stream().filter("A"::equals).count();
      assertThat(inWindow).as("A in picks %d-%d: %s", i, i + 3, picks.subList(i, i + 4)).isBetween(2L, 4L);
    }
    assertThat(picks.subList(0, 4)).containsExactly("A", "A", "B", "A");
  }

  @Test
  void equalWeightsAlternate() {
    SmoothWeighted<String> picker = new SmoothWeighted<>(id -> 1);
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picks.add(picker.pick(List.of("A", "B", "C")).orElseThrow());
    }
    assertThat(picks).containsExactly("A", "B", "C", "A", "B", "C");
  }

  @Test
  void aCandidateLeftOutDoesNotGetPicksAndTheOthersKeepTheirShares() {
    SmoothWeighted<String> picker = new SmoothWeighted<>(WEIGHTS::get);
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      // C is out of service for the first half.
      picks.add(picker.pick(i < 300 ? List.of("A", "B") : List.of("A", "B", "C")).orElseThrow());
    }
    assertThat(picks.subList(0, 300)).doesNotContain("C");
    assertThat(picks.subList(0, 300).stream().filter("A"::equals).count()).isEqualTo(225);
    assertThat(picks.subList(300, 600).stream().filter("C"::equals).count()).isBetween(99L, 101L);
    assertThat(picker.pick(List.of())).isEmpty();
  }
}
