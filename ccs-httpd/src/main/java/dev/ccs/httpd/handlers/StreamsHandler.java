package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.config.StreamingConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.stream.StreamRegistry;
import dev.ccs.core.stream.StreamItem;
import dev.ccs.core.stream.StreamStatus;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import dev.ccs.httpd.routing.SseWriter;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Streamed turns over server-sent events. Every event has an {@code id:}; a client that reconnects
 * with {@code Last-Event-ID} gets the events it missed, then the live tail, and always the terminal
 * {@code done} or {@code error}. A comment goes out every heartbeat period so that idle
 * connections stay open. Refusals (unknown session, inactive, over budget, bad input) are JSON
 * errors sent before any SSE header, never an SSE error after a 200.
 */
public final class StreamsHandler {

  private final Ccs ccs;
  private final StreamingConfig config;
  private final NodeForwarder nodes;

  public StreamsHandler(Ccs ccs) {
    this.ccs = ccs;
    this.config = ccs.config().streaming();
    this.nodes = new NodeForwarder(ccs);
  }

  NodeForwarder nodes() {
    return nodes;
  }

  /** Starts a streamed turn and answers with its events. */
  ApiResponse start(UUID sessionId, String prompt, RunOptions options) {
    // The client's place first: a turn is never started for a client that would then be refused.
    StreamRegistry.Client client = ccs.streams().attach();
    try {
      RunStream stream = ccs.sessions().startStream(sessionId, prompt, options);
      return sse(stream, 0, true, client);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** {@code GET /api/sessions/{id}/stream/status}. */
  public ApiResponse status(ApiRequest request) {
    UUID id = Queries.sessionId(request);
    ccs.sessions().get(id);
    ObjectNode body = WireFormat.success();
    RunStream stream = ccs.streams().latest(id).orElse(null);
    body.put("has_active_stream", stream != null && stream.status() == StreamStatus.STREAMING);
    if (stream != null) {
      ObjectNode info = stream.status() == StreamStatus.STREAMING ? body.putObject("stream") : body.putObject("last_stream");
      describe(info, stream);
    }
    return ApiResponse.json(200, body);
  }

  /**
   * {@code GET /api/sessions/{id}/stream/resume?stream_id=}: a running stream (or any stream, when
   * the client sends {@code Last-Event-ID} or accepts {@code text/event-stream}) as SSE from where
   * the client left off; a finished one otherwise as the Node server's JSON.
   */
  public ApiResponse resume(ApiRequest request) {
    UUID id = Queries.sessionId(request);
    Queries.onlyKnown(request, Set.of("stream_id"));
    ccs.sessions().get(id);
    String streamId = request.query().get("stream_id");
    if (streamId == null || streamId.isEmpty()) {
      throw new CcsException.InvalidRequest("stream_id is required");
    }
    RunStream stream = ccs.streams().get(streamId).orElse(null);
    if (stream == null) {
      // Another node's stream (several nodes on one database): its id's tag names that node.
      Optional<ApiResponse> there = nodes.forward(request, ccs.cluster()
          .flatMap(c -> c.nodeOfStreamTag(streamId.substring(streamId.lastIndexOf('_') + 1))));
      if (there.isPresent()) {
        return there.get();
      }
      throw new CcsException.NotFound("stream_not_found", "Stream not found");
    }
    if (!stream.sessionId().equals(id)) {
      throw new CcsException.InvalidRequest("Stream does not belong to this session");
    }
    long lastEventId = lastEventId(request);
    String accept = request.header("accept");
    boolean wantsEvents = lastEventId >= 0 || (accept != null && accept.contains("text/event-stream"));
    if (stream.status() == StreamStatus.STREAMING || wantsEvents) {
      return sse(stream, Math.max(0, lastEventId), false, ccs.streams().attach());
    }
    ObjectNode body = WireFormat.success();
    body.put("status", stream.status().wireName());
    body.put("stream_id", stream.id());
    body.put("content", stream.content());
    if (stream.contentTruncated()) {
      body.put("content_truncated", true);
    }
    ObjectNode metadata = body.putObject("metadata");
    describe(metadata, stream);
    String terminal = stream.terminalData();
    if (terminal != null) {
      try {
        metadata.set("result", Json.parse(terminal));
      } catch (IOException e) {
        metadata.put("result", terminal);
      }
    }
    return ApiResponse.json(200, body);
  }

  /** {@code DELETE /api/sessions/{id}/stream}: cancels the session's running streamed turn. */
  public ApiResponse cancel(ApiRequest request) {
    UUID id = Queries.sessionId(request);
    ccs.sessions().get(id);
    RunStream stream = ccs.streams().latest(id).filter(s -> s.status() == StreamStatus.STREAMING).orElse(null);
    if (stream == null) {
      // The session's turn may run on another node.
      Optional<ApiResponse> there = nodes.forward(request, ccs.cluster().flatMap(c -> c.sessionTurnOwner(id)));
      if (there.isPresent()) {
        return there.get();
      }
      throw new CcsException.NotFound("no_active_stream", "The session has no running stream");
    }
    boolean cancelled = stream.cancel();
    return ApiResponse.json(200, WireFormat.success().put("cancelled", cancelled).put("stream_id", stream.id()));
  }

  /** Any stream as SSE from the request's {@code Last-Event-ID} (from its start without one). */
  ApiResponse replay(RunStream stream, ApiRequest request) {
    long after = Math.max(0, lastEventId(request));
    return sse(stream, after, false, ccs.streams().attach());
  }

  private static void describe(ObjectNode info, RunStream stream) {
    info.put("stream_id", stream.id());
    info.put("status", stream.status().wireName());
    info.put("content_length", stream.content().length());
    info.put("started_at", stream.startedAt().toEpochMilli());
    info.put("last_event_id", stream.lastId());
    if (stream.finishedAt() != null) {
      info.put("completed_at", stream.finishedAt().toEpochMilli());
    }
  }

  /** The {@code Last-Event-ID} header, or -1 without one. */
  private static long lastEventId(ApiRequest request) {
    String header = request.header("last-event-id");
    if (header == null || header.isBlank()) {
      return -1;
    }
    try {
      return Math.max(0, Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      throw new CcsException.InvalidRequest("Last-Event-ID must be an event id (a number)");
    }
  }

  private ApiResponse sse(RunStream stream, long afterId, boolean owner, StreamRegistry.Client client) {
    return ApiResponse.streaming(200, "text/event-stream; charset=utf-8", out -> {
      SseWriter writer = new SseWriter(out);
      long last = afterId;
      try {
        writer.retry(3000);
        while (true) {
          RunStream.Batch batch = stream.next(last, config.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
          if (batch.missed() > 0) {
            writer.comment(batch.missed() + " earlier event(s) are no longer kept");
          }
          if (batch.items().isEmpty()) {
            writer.comment("heartbeat");
            continue;
          }
          for (StreamItem item : batch.items()) {
            writer.event(item.id(), item.name(), item.data());
            last = item.id();
            if (item.terminal()) {
              return;
            }
          }
        }
      } catch (IOException e) {
        // The client went away; the turn runs on and its result is stored, unless configured otherwise.
        if (owner && config.cancelOnDisconnect()) {
          stream.cancel();
        }
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    })
        .header("Cache-Control", "no-cache")
        .header("X-Accel-Buffering", "no")
        .header("X-Session-Id", stream.sessionId().toString())
        .header("X-Stream-Id", stream.id())
        .afterSend(client::close);
  }

}
