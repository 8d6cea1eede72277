#!/bin/sh
# A fake `claude -p` for bench/HeapBench.java. Reads its prompt from stdin; "wait:<ms>" at its start
# makes it wait that long, "out:<kb>" anywhere makes it print that many KiB of text deltas (in
# lines of 4 KiB) when asked for stream-json; then it prints a result line. SIGTERM ends a wait.
sid=00000000-0000-4000-8000-000000000000
stream=
for a in "$@"; do
  case "$a" in
    --session-id=*|--resume=*) sid="${a#*=}";;
    --output-format=stream-json) stream=1;;
  esac
done
trap 'exit 143' TERM
prompt=$(cat)
ms=0
case "$prompt" in wait:*) ms=${prompt#wait:}; ms=${ms%%[!0-9]*};; esac
kb=0
case "$prompt" in *out:*) kb=${prompt#*out:}; kb=${kb%%[!0-9]*};; esac
if [ -n "$stream" ]; then
  printf '{"type":"system","subtype":"init","session_id":"%s"}\n' "$sid"
  if [ "$kb" -gt 0 ]; then
    text=$(printf '%4000s' '' | tr ' ' x)
    i=0
    while [ "$i" -lt "$kb" ]; do
      printf '{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"%s"}},"session_id":"%s"}\n' "$text" "$sid"
      i=$((i + 4))
    done
  fi
fi
if [ "$ms" -gt 0 ]; then sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))" & wait $!; fi
printf '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"ok","session_id":"%s","total_cost_usd":0.001,"usage":{"input_tokens":1,"output_tokens":1}}\n' "$sid"
