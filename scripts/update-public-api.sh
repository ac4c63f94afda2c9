#!/usr/bin/env bash
# Brings src/AopsGen/PublicAPI.Unshipped.txt up to date after a change to the public API (RS0016/RS0017 errors):
#  - every public symbol missing from the PublicAPI files is added (RS0016's code fix, through dotnet format);
#  - every listed symbol that is gone (RS0017, which has no code fix) is deleted from Unshipped, or, if it
#    shipped, recorded as "*REMOVED*<symbol>" in Unshipped.
# Review the diff it prints. At a release, Unshipped's lines move to PublicAPI.Shipped.txt ("*REMOVED*" lines
# delete theirs there), leaving only the "#nullable enable" header.
set -euo pipefail
cd "$(dirname "$0")/.."
project=src/AopsGen/AopsGen.csproj
unshipped=src/AopsGen/PublicAPI.Unshipped.txt

dotnet format analyzers "$project" --diagnostics RS0016 --severity warn

dotnet build "$project" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 \
    | sed -n "s/.*RS0017: Symbol '\(.*\)' is part of the declared API.*/\1/p" | sort -u \
    | while IFS= read -r symbol; do
        if grep -qxF -- "$symbol" "$unshipped"; then
            grep -vxF -- "$symbol" "$unshipped" > "$unshipped.tmp" && mv "$unshipped.tmp" "$unshipped"
        else
            printf '*REMOVED*%s\n' "$symbol" >> "$unshipped"
        fi
    done

git --no-pager diff --stat -- src/AopsGen/PublicAPI.Shipped.txt "$unshipped"
