#!/usr/bin/env bash
# Checks every package in a folder of `dotnet pack` output:
#   - the nuspec lists only the dependencies allowed for that package below (a library depends on abstractions and
#     on what it really uses, never on implementation packages that transitive pinning would otherwise promote);
#   - the package carries README.md (declared as its readme), the XML docs next to every assembly, and the source
#     commit (SourceLink's repository metadata);
#   - a .snupkg with the assemblies' .pdb files sits next to it.
# Usage: .ci/check-packages.sh <folder with .nupkg and .snupkg files>
# Prints one line per problem and exits 1 when there is any.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 <folder with .nupkg files>" >&2
  exit 2
fi
dir=$1

# The allow-list: package id -> the dependency ids its nuspec may list. Add a line here, in review, when a package
# takes a new dependency.
declare -A allowed=(
  [ImageGen.Sdk]="
    Microsoft.Extensions.Caching.Abstractions
    Microsoft.Extensions.Caching.Memory
    Microsoft.Extensions.Configuration.Abstractions
    Microsoft.Extensions.Configuration.Binder
    Microsoft.Extensions.DependencyInjection.Abstractions
    Microsoft.Extensions.Hosting.Abstractions
    Microsoft.Extensions.Http
    Microsoft.Extensions.Logging.Abstractions
    Microsoft.Extensions.Options
    Microsoft.Extensions.Options.ConfigurationExtensions
    Polly.Core
    System.Threading.RateLimiting"
  [ImageGen.Sdk.Extensions.AI]="
    ImageGen.Sdk
    Microsoft.Extensions.AI.Abstractions"
  [ImageGen.Sdk.Testing]="
    ImageGen.Sdk"
  [ImageGen.Sdk.AspNetCore]="
    ImageGen.Sdk"
)

problems=0
fail() {
  echo "check-packages: $*" >&2
  problems=$((problems + 1))
}

shopt -s nullglob
packages=("$dir"/*.nupkg)
if [ ${#packages[@]} -eq 0 ]; then
  echo "check-packages: no .nupkg in $dir" >&2
  exit 1
fi

for nupkg in "${packages[@]}"; do
  name=$(basename "$nupkg")
  nuspec=$(unzip -Z1 "$nupkg" | grep -E '^[^/]+\.nuspec$' | head -1 || true)
  if [ -z "$nuspec" ]; then
    fail "$name: no nuspec"
    continue
  fi
  spec=$(unzip -p "$nupkg" "$nuspec")
  id=$(grep -oP '<id>\K[^<]+' <<<"$spec" | head -1)
  version=$(grep -oP '<version>\K[^<]+' <<<"$spec" | head -1)
  files=$(unzip -Z1 "$nupkg")

  if [ -z "${allowed[$id]+set}" ]; then
    fail "$id: no allow-list in .ci/check-packages.sh; add one before shipping the package"
  else
    for dependency in $(grep -oP '<dependency id="\K[^"]+' <<<"$spec" | sort -u); do
      if ! grep -qxF "$dependency" <<<"$(tr -s ' \n' '\n' <<<"${allowed[$id]}")"; then
        fail "$id: unexpected dependency $dependency (not in its allow-list)"
      fi
    done
  fi

  if ! grep -qx 'README.md' <<<"$files" || ! grep -q '<readme>README.md</readme>' <<<"$spec"; then
    fail "$id: README.md missing or not declared as the package readme"
  fi
  if ! grep -qE '<repository [^>]*commit="[0-9a-f]{40}"' <<<"$spec"; then
    fail "$id: no repository commit in the nuspec (SourceLink metadata missing)"
  fi

  assemblies=$(grep -E '^lib/[^/]+/[^/]+\.dll$' <<<"$files" || true)
  if [ -z "$assemblies" ]; then
    fail "$id: no assembly under lib/"
  fi
  symbols="$dir/$id.$version.snupkg"
  symbol_files=""
  if [ -f "$symbols" ]; then
    symbol_files=$(unzip -Z1 "$symbols")
  else
    fail "$id: symbol package $(basename "$symbols") missing"
  fi
  for dll in $assemblies; do
    if ! grep -qxF "${dll%.dll}.xml" <<<"$files"; then
      fail "$id: XML docs ${dll%.dll}.xml missing"
    fi
    if [ -f "$symbols" ] && ! grep -qxF "${dll%.dll}.pdb" <<<"$symbol_files"; then
      fail "$id: ${dll%.dll}.pdb missing from $(basename "$symbols")"
    fi
  done
done

if [ "$problems" -ne 0 ]; then
  echo "check-packages: $problems problem(s) in ${#packages[@]} package(s)" >&2
  exit 1
fi
echo "check-packages: ${#packages[@]} package(s) OK"
