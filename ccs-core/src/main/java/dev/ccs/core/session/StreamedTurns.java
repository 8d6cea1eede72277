package dev.ccs.core.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.exec.RunHandle;
import dev.ccs.core.exec.OutputFormat;
import dev.ccs.core.exec.RunListener;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.json.Json;
import dev.ccs.core.limit.RunSlots;
import dev.ccs.core.protocol.ClaudeEvent;
import dev.ccs.core.protocol.StreamEvent;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.stream.StreamRegistry;
import dev.ccs.core.stream.StreamStatus;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns shown as they run: a stream opened at once, the turn run on a worker once the session's
 * earlier turns and a run slot allow, and the stream always ended, with {@code done} (the result)
 * or {@code error} (what went wrong), whatever happens.
 */
final class StreamedTurns {

  private static final Logger LOG = LoggerFactory.getLogger(StreamedTurns.class);

  private final TurnRunner runner;
  private final TurnLocks turns;
  private final RunSlots runSlots;
  private final StreamRegistry streams;
  private final Executor workers;
  private final int maxWaitingTurnsPerSession;

  StreamedTurns(TurnRunner runner, TurnLocks turns, RunSlots runSlots, StreamRegistry streams, Executor workers,
      int maxWaitingTurnsPerSession) {
    this.runner = runner;
    this.turns = turns;
    this.runSlots = runSlots;
    this.streams = streams;
    this.workers = workers;
    this.maxWaitingTurnsPerSession = maxWaitingTurnsPerSession;
  }

  /**
   * Starts a turn of an active session within its budget; refusals (no run slot, too many turns
   * waiting, a stopping server) are exceptions here, never events of a stream.
   */
  RunStream start(Session session, String prompt, RunOptions options) {
    UUID sessionId = session.id();
    RunSlots.Ticket ticket = runSlots.admit();
    TurnLocks.Place place;
    try {
      place = turns.join(sessionId, maxWaitingTurnsPerSession);
    } catch (RuntimeException e) {
      ticket.close();
      throw e;
    }
    AtomicReference<RunHandle> current = new AtomicReference<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    RunStream stream = streams.open(sessionId, () -> {
      cancelled.set(true);
      RunHandle run = current.get();
      if (run != null) {
        run.cancel();
      }
    });
    Runnable turnOfStream = () -> {
      try (ticket; place) {
        place.await();
        if (!cancelled.get()) {
          ticket.await();
        }
        if (cancelled.get()) {
          streams.finish(stream, StreamStatus.CANCELLED, "error", errorJson("cancelled", "The turn was cancelled", null));
          return;
        }
        RunListener listener = event -> stream.publish(event.rawLine(), streamedText(event));
        Turn turn = runner.run(sessionId, new TurnRunner.Spec(prompt, options, OutputFormat.STREAM_JSON, listener,
            stream.id(), null, run -> {
              current.set(run);
              if (cancelled.get()) {
                run.cancel();
              }
            }));
        finish(stream, turn);
      } catch (CcsException e) {
        streams.finish(stream, StreamStatus.FAILED, "error", errorJson(e.code(), e.getMessage(), null));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        streams.finish(stream, StreamStatus.FAILED, "error", errorJson("unavailable", "interrupted", null));
      } catch (RuntimeException e) {
        LOG.error("streamed turn of session {} failed", sessionId, e);
        streams.finish(stream, StreamStatus.FAILED, "error", errorJson("internal_error", "Internal server error", null));
      } catch (Error e) {
        // Out of memory, most likely: the stream still ends, so that no client waits for ever.
        streams.finish(stream, StreamStatus.FAILED, "error", errorJson("internal_error", "Internal server error", null));
        throw e;
      }
    };
    try {
      workers.execute(turnOfStream);
    } catch (RejectedExecutionException e) {
      place.close();
      ticket.close();
      streams.finish(stream, StreamStatus.FAILED, "error", errorJson("unavailable", "the server is stopping", null));
      throw new CcsException.Unavailable("the server is stopping");
    }
    return stream;
  }

  /**
   * Text of stream events: the text deltas of partial messages (what a typing client shows); the
   * assistant lines repeat that text in whole and are left out of the content.
   */
  private static String streamedText(ClaudeEvent event) {
    return event instanceof StreamEvent partial ? partial.textDelta() : null;
  }

  private void finish(RunStream stream, Turn turn) {
    RunOutcome outcome = turn.outcome();
    if (outcome.succeeded()) {
      ObjectNode done = Json.object();
      done.put("session_id", turn.session().id().toString());
      done.put("stream_id", stream.id());
      done.put("duration_ms", outcome.duration().toMillis());
      done.put("cost_usd", turn.costUsd());
      done.put("result", outcome.result().result());
      done.put("num_turns", outcome.result().numTurns());
      done.set("usage", outcome.result().usage().toJson());
      streams.finish(stream, StreamStatus.COMPLETED, "done", Json.write(done));
      return;
    }
    StreamStatus status = outcome.status() == RunStatus.CANCELLED ? StreamStatus.CANCELLED : StreamStatus.FAILED;
    ObjectNode details = Json.object();
    details.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
    if (outcome.exitCode() != null) {
      details.put("exit_code", outcome.exitCode());
    }
    details.put("cost_usd", turn.costUsd());
    details.put("duration_ms", outcome.duration().toMillis());
    streams.finish(stream, status, "error", errorJson(outcome.errorCode(), outcome.message(), details));
  }

  private static String errorJson(String code, String message, ObjectNode details) {
    ObjectNode error = Json.object();
    error.put("error", message);
    error.put("code", code);
    if (details != null) {
      error.set("details", details);
    }
    return Json.write(error);
  }
}
