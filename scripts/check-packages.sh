#!/usr/bin/env bash
# Packs the shipped libraries (from the Release build already made) and checks what a consumer gets: a pre-release
# version, the XML documentation next to each assembly for every target framework, and a symbol package whose PDBs
# embed the sources. Usage: scripts/check-packages.sh [output folder]; exits non-zero on the first problem.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
cd "$root"

failed=0
problem() {
  echo "package check: $*" >&2
  failed=1
}

for project in src/*/*.csproj; do
  dotnet pack "$project" -c Release --no-build --nologo -o "$out" >/dev/null
done

shopt -s nullglob
packages=("$out"/*.nupkg)
if [ "${#packages[@]}" -eq 0 ]; then
  problem "no package was produced in $out"
fi

for package in "${packages[@]}"; do
  name="$(basename "$package" .nupkg)"
  case "$name" in
    *-preview.*) ;;
    *) problem "$name is not a pre-release version" ;;
  esac

  listing="$(unzip -Z1 "$package")"
  dlls="$(grep -E '^lib/[^/]+/[^/]+\.dll$' <<<"$listing" || true)"
  if [ -z "$dlls" ]; then
    problem "$name has no assembly under lib/"
  fi

  while IFS= read -r dll; do
    [ -z "$dll" ] && continue
    xml="${dll%.dll}.xml"
    # A here-string, not a pipe: grep -q stops reading at the first match, and under pipefail the writer's SIGPIPE
    # would turn a found file into a failure.
    if ! grep -qxF "$xml" <<<"$listing"; then
      problem "$name lacks $xml (IntelliSense would show no documentation)"
    fi
  done <<<"$dlls"

  if ! grep -qxF "README.md" <<<"$listing"; then
    problem "$name lacks its README.md"
  fi

  symbols="$out/$name.snupkg"
  if [ ! -f "$symbols" ]; then
    problem "$name has no symbol package"
  fi
done

if [ "$failed" -ne 0 ]; then
  exit 1
fi

echo "package check: ${#packages[@]} packages in $out have their documentation, symbols and a pre-release version"
