#!/bin/sh
# A minimal stand-in for `claude -p --output-format json|stream-json`, for benchmarks: drains the
# prompt from stdin (shell builtins only, no extra process) and prints a result line. With
# FAKE_DELAY_MS it sleeps first (the one external process: sleep). FAKE_LINES=N prints N assistant
# lines before the result (stream-json benchmarks).
while IFS= read -r _line; do :; done
if [ "${FAKE_DELAY_MS:-0}" -gt 0 ]; then sleep "$((FAKE_DELAY_MS / 1000)).$(printf %03d $((FAKE_DELAY_MS % 1000)))"; fi
sid=00000000-0000-4000-8000-000000000000
for a in "$@"; do
  case "$a" in --session-id=*|--resume=*) sid="${a#*=}";; esac
done
i=0
while [ "$i" -lt "${FAKE_LINES:-0}" ]; do
  printf '{"type":"assistant","message":{"id":"msg_%s","role":"assistant","content":[{"type":"text","text":"chunk %s"}]},"session_id":"%s"}\n' "$i" "$i" "$sid"
  i=$((i + 1))
done
printf '{"type":"result","subtype":"success","is_error":false,"duration_ms":1,"duration_api_ms":1,"num_turns":1,"result":"ok","session_id":"%s","total_cost_usd":0.001,"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":5},"modelUsage":{},"permission_denials":[]}\n' "$sid"
