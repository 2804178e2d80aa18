#!/usr/bin/env bash
# The image's HEALTHCHECK: GET /health (liveness) on this container's own node, 3 s at most; exit 0 when it
# answers 200 {"status":"ok"}, else 1. Uses Bun itself, so the slim image needs no curl.
#
# Usage: healthcheck.sh [URL]   (default http://127.0.0.1:$PORT/health, PORT defaulting to 3000)
set -euo pipefail

url="${1:-http://127.0.0.1:${PORT:-3000}/health}"
exec bun --no-install -e '
const url = process.argv[1];
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  const body = await response.json().catch(() => undefined);
  if (response.status === 200 && body?.status === "ok") process.exit(0);
  console.error(`healthcheck: ${url} answered ${response.status}`);
} catch (error) {
  console.error(`healthcheck: ${url}: ${error instanceof Error ? error.message : String(error)}`);
}
process.exit(1);
' "$url"
