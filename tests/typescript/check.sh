#!/usr/bin/env bash
# Generates the TypeScript client from openapi/v1.json with openapi-typescript's default options and compiles
# client.ts against it with tsc --strict. Needs Node.js and npm; the packages come from the lock file.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent check
echo "typed client: generated from openapi/v1.json and compiled with tsc --strict"
