#!/usr/bin/env python3
"""A stand-in for `claude -p --output-format stream-json`, for the streaming benchmark: prints an
init line, then LINES assistant lines GAP_MS apart, each stamped with the wall-clock time (ns) at
which it was written, then a result line."""
import json, os, sys, time, uuid

sys.stdin.read()
sid = str(uuid.uuid4())
for arg in sys.argv[1:]:
    if arg.startswith("--session-id=") or arg.startswith("--resume="):
        sid = arg.split("=", 1)[1]
lines = int(os.environ.get("FAKE_LINES", "20"))
gap = float(os.environ.get("FAKE_GAP_MS", "20")) / 1000

def emit(obj):
    obj["t"] = time.time_ns()
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

emit({"type": "system", "subtype": "init", "session_id": sid, "model": "bench"})
for i in range(lines):
    time.sleep(gap)
    emit({"type": "assistant", "message": {"id": "m%d" % i, "role": "assistant",
          "content": [{"type": "text", "text": "chunk %d" % i}]}, "session_id": sid})
emit({"type": "result", "subtype": "success", "is_error": False, "result": "ok", "session_id": sid,
      "total_cost_usd": 0.001, "num_turns": 1, "duration_ms": 1,
      "usage": {"input_tokens": 1, "output_tokens": 1}})
