#!/usr/bin/env bash
# The full-size fuzzer: 20.000 malformed requests (fixed seed) to every endpoint; no 5xx, every 4xx ProblemDetails.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET_FUZZ_REQUESTS=${1:-20000} dotnet test tests/Budget.Api.Tests --filter "FullyQualifiedName~FuzzTests" --logger "console;verbosity=normal"
