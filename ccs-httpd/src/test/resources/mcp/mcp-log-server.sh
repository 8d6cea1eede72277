#!/usr/bin/env bash
# A minimal MCP server over stdio (newline-delimited JSON-RPC) for tests: it writes the method of
# every message it gets to the file named by its first argument, answers initialize and
# tools/list (one tool, echo), and answers any other request with an empty result.
log=$1
while IFS= read -r line; do
  method=$(printf '%s' "$line" | sed -n 's/.*"method" *: *"\([^"]*\)".*/\1/p')
  id=$(printf '%s' "$line" | sed -n 's/.*"id" *: *\([0-9][0-9]*\).*/\1/p')
  printf '%s\n' "$method" >> "$log"
  case "$method" in
    initialize)
      version=$(printf '%s' "$line" | sed -n 's/.*"protocolVersion" *: *"\([^"]*\)".*/\1/p')
      printf '{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"%s","capabilities":{"tools":{}},"serverInfo":{"name":"ccs-test","version":"1.0.0"}}}\n' "$id" "${version:-2024-11-05}" ;;
    tools/list)
      printf '{"jsonrpc":"2.0","id":%s,"result":{"tools":[{"name":"echo","description":"Echoes its text","inputSchema":{"type":"object","properties":{"text":{"type":"string"}}}}]}}\n' "$id" ;;
    *)
      if [ -n "$id" ]; then printf '{"jsonrpc":"2.0","id":%s,"result":{}}\n' "$id"; fi ;;
  esac
done
