package dev.ccs.core.balance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * nginx's smooth weighted round-robin: every pick adds each candidate's weight to its running
 * score, takes the highest, and subtracts the sum of the weights from the one taken. Weights 3:1
 * give A A B A, never A A A B: the picks of each candidate are spread as evenly as the weights
 * allow. Candidates may differ from one pick to the next (a provider out of service is left out);
 * a candidate's score is kept between the picks it is part of. Thread-safe.
 *
 * @param <T> the candidates, with equality by identity of what they stand for (an id)
 */
public final class SmoothWeighted<T> {

  private final ToIntFunction<T> weight;
  private final Map<T, Long> scores = new HashMap<>();

  public SmoothWeighted(ToIntFunction<T> weight) {
    this.weight = weight;
  }

  /** The next of {@code candidates}; empty when there are none. */
  public synchronized Optional<T> pick(List<T> candidates) {
    T best = null;
    long bestScore = Long.MIN_VALUE;
    long total = 0;
    for (T candidate : candidates) {
      int w = weight.applyAsInt(candidate);
      total += w;
      long score = scores.getOrDefault(candidate, 0L) + w;
      scores.put(candidate, score);
      if (score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    if (best != null) {
      scores.put(best, bestScore - total);
    }
    return Optional.ofNullable(best);
  }

  /** Forgets the scores of candidates that are gone (a provider removed from the config). */
  public synchronized void retainOnly(List<T> candidates) {
    scores.keySet().retainAll(candidates);
  }
}
