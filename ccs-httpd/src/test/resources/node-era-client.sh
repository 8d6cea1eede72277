#!/bin/sh
# A client written for the Node server: the curl calls of its README (one per endpoint a script
# typically uses), with its key in Authorization: Bearer. Run unchanged against ccs by
# NodeEraClientTest. BASE, API_KEY, PROJECT and HOOK (a webhook receiver) come from the environment.
set -eu
BASE=${BASE:-http://localhost:5546}
AUTH="Authorization: Bearer ${API_KEY}"
JSON="Content-Type: application/json"

field() { # the first string value of a field in a JSON text
  sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1
}
expect() { # the answer must contain the text
  case "$1" in *"$2"*) ;; *) echo "FAILED: expected $2 in: $1" >&2; exit 1;; esac
}

echo "health"
out=$(curl -sS -f "$BASE/health")
expect "$out" '"status":"ok"'

echo "sync message"
out=$(curl -sS -f -X POST "$BASE/api/messages" -H "$JSON" -H "$AUTH" \
  -d "{\"prompt\": \"Explain this code\", \"project_path\": \"$PROJECT\", \"model\": \"claude-sonnet-4-5\"}")
expect "$out" '"success":true'
session=$(printf '%s' "$out" | field session_id)
[ -n "$session" ] || { echo "FAILED: no session_id in $out" >&2; exit 1; }

echo "continue"
out=$(curl -sS -f -X POST "$BASE/api/sessions/$session/continue" -H "$JSON" -H "$AUTH" \
  -d '{"prompt": "Now add tests"}')
expect "$out" '"success":true'
expect "$out" "\"session_id\":\"$session\""

echo "history"
out=$(curl -sS -f "$BASE/api/sessions/$session/messages?limit=10&order=asc" -H "$AUTH")
expect "$out" '"role":"user"'
expect "$out" '"has_more":false'

echo "sessions"
out=$(curl -sS -f "$BASE/api/sessions?status=active&limit=10" -H "$AUTH")
expect "$out" "$session"
out=$(curl -sS -f "$BASE/api/sessions/$session/stats" -H "$AUTH")
expect "$out" '"messages_count":2'

echo "async task"
out=$(curl -sS -f -X POST "$BASE/api/async/messages" -H "$JSON" -H "$AUTH" \
  -d "{\"prompt\": \"Refactor the module\", \"project_path\": \"$PROJECT\", \"priority\": 8}")
expect "$out" '"status":"pending"'
task=$(printf '%s' "$out" | field task_id)
status=pending
for i in $(seq 1 300); do
  status=$(curl -sS -f "$BASE/api/tasks/$task" -H "$AUTH" | field status)
  [ "$status" = completed ] && break
  sleep 0.1
done
[ "$status" = completed ] || { echo "FAILED: task $task is $status" >&2; exit 1; }
out=$(curl -sS -f -X POST "$BASE/api/tasks/async" -H "$JSON" -H "$AUTH" \
  -d "{\"prompt\": \"Nightly review\", \"priority\": 3, \"metadata\": {\"webhook_url\": \"$HOOK\"}}")
expect "$out" '"success":true'
out=$(curl -sS -f "$BASE/api/tasks?status=completed&limit=20" -H "$AUTH")
expect "$out" "$task"
out=$(curl -sS -f "$BASE/api/tasks/queue/status" -H "$AUTH")
expect "$out" '"running":true'

echo "statistics"
out=$(curl -sS -f "$BASE/api/statistics/summary" -H "$AUTH")
expect "$out" '"requests":{"total":'
out=$(curl -sS -f "$BASE/api/statistics/daily?limit=7" -H "$AUTH")
expect "$out" '"daily":['

echo "session lifecycle"
out=$(curl -sS -f -X POST "$BASE/api/sessions" -H "$JSON" -H "$AUTH" \
  -d "{\"project_path\": \"$PROJECT\", \"metadata\": {\"name\": \"scratch\"}}")
other=$(printf '%s' "$out" | field id)
curl -sS -f -X PATCH "$BASE/api/sessions/$other/status" -H "$JSON" -H "$AUTH" -d '{"status": "archived"}' >/dev/null
out=$(curl -sS -f -X DELETE "$BASE/api/sessions/$other" -H "$AUTH")
expect "$out" '"success":true'

echo "without the key"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/api/sessions")
[ "$code" = 401 ] || { echo "FAILED: $code without a key" >&2; exit 1; }

echo "all Node-era calls passed"
