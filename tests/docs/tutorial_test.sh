#!/usr/bin/env bash
# docs/tutorial.md works as written: every kqreplay command in it runs
# (exit 0, some output), every trace it names exists, every lesson has a
# command, and the README links to it. Prints "N passed, N failed".
# Usage: tutorial_test.sh KQREPLAY REPO_ROOT
set -u
kqreplay=$1
root=$2
tutorial=$root/docs/tutorial.md
cd "$root" || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# Commands: lines of the tutorial that start (after indentation) with the
# binary's path in the build tree, as the reader types them.
mapfile -t commands < <(sed -n 's|^ *build/tools/replay/kqreplay \(.*\)$|\1|p' "$tutorial")
for args in "${commands[@]}"; do
  # The reader's page goes to page.html; here it goes to the scratch folder.
  args=${args//page.html/$work/page.html}
  read -ra argv <<<"$args"
  if out=$("$kqreplay" "${argv[@]}" 2>&1) && [[ -n "$out" || "$args" == *--html* ]]; then
    ok
  else
    fail "kqreplay $args: exit $?: ${out:0:300}"
  fi
done
[[ ${#commands[@]} -ge 10 ]] && ok || fail "only ${#commands[@]} commands in the tutorial"

# Every trace named anywhere in the tutorial exists.
mapfile -t named < <(grep -oE 'traces/[A-Za-z0-9_./-]+\.json' "$tutorial" | sort -u)
for t in "${named[@]}"; do [[ -f "$t" ]] && ok || fail "the tutorial names $t, which does not exist"; done

# Every lesson ("## N. title") has at least one command before the next heading.
awk '/^## [0-9]+\./ { if (lesson != "" && !cmd) print lesson; lesson = $0; cmd = 0 }
     /^## [^0-9]/ { if (lesson != "" && !cmd) print lesson; lesson = "" }
     /^ *build\/tools\/replay\/kqreplay / { cmd = 1 }
     END { if (lesson != "" && !cmd) print lesson }' "$tutorial" >"$work/bare"
[[ ! -s "$work/bare" ]] && ok || fail "lessons without a command: $(cat "$work/bare")"
lessons=$(grep -cE '^## [0-9]+\.' "$tutorial")
[[ $lessons -ge 10 && $lessons -le 15 ]] && ok || fail "$lessons lessons (want 10 to 15)"

# Images it shows exist; the README leads to it.
while read -r img; do [[ -f "docs/$img" ]] && ok || fail "missing image docs/$img"; done < <(grep -oE '\]\(img/[^)]+\)' "$tutorial" | sed 's/^](//; s/)$//')
grep -q '(docs/tutorial.md)' README.md && ok || fail "README.md does not link docs/tutorial.md"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
