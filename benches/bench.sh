#!/usr/bin/env bash
# Benchmarks tally against the plain tools that bound it, on the same data.
#
#   benches/bench.sh [N ...]     N = claims in the synthetic ledger (default: 100000)
#
# For each N it prints, median of RUNS runs (default 3):
#   import of N claims      vs  the sqlite3 shell loading the same rows from CSV into an indexed table,
#                           and vs the shell loading the very rows tally stores (journal, reports,
#                           claims) into tally's own schema: the cost of the design, not of the code
#   import with the Merkle tree vs the same import by tally built without it (TREE_BASE, default
#                           the commit before the tree; skipped if git cannot build it)
#   verify                  vs  sha256sum over the exported journal
#   import and verify with every entry signed vs unsigned (signature checking on its own)
#   prove and check of a claim at N vs at 1k claims, and the bundle's size
#   one `claim add` process vs  one sqlite3 shell insert process (WAL, synchronous=FULL)
#   reconcile EVENT, audit claim, claim show  at N vs at 1k claims
#   peak memory (RSS) of import and verify
# Needs the sqlite3 shell and GNU time (/usr/bin/time); on Debian: apt-get install sqlite3 time.
# Timing belongs here, never in `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(100000)

missing=()
command -v sqlite3 >/dev/null || missing+=(sqlite3)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench.sh needs ${missing[*]}: install it first (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi
cargo build --release --quiet
TALLY=$PWD/target/release/tally
WORK=$(mktemp -d)
trap 'git worktree remove --force "$WORK/base" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
# tally as it was before the Merkle tree, to price the tree.
BASE_TALLY=
TREE_BASE=${TREE_BASE:-3acdae4}
if git worktree add --detach "$WORK/base" "$TREE_BASE" >/dev/null 2>&1 &&
  (cd "$WORK/base" && cargo build --release --quiet --target-dir "$WORK/base-target"); then
  BASE_TALLY=$WORK/base-target/release/tally
fi
export TALLY_AUTHOR=bench NO_COLOR=1

now() { date +%s.%N; }
# median of the wall times of running "$@" RUNS times; a setup function may be named in $SETUP
median() {
  local times=()
  for _ in $(seq "$RUNS"); do
    [ -n "${SETUP:-}" ] && $SETUP
    local t0; t0=$(now)
    "$@" >/dev/null
    local t1; t1=$(now)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
# For commands that take milliseconds: the mean of REPEAT back-to-back runs,
# as the median of RUNS such means, so one slow process start does not decide.
REPEAT=${REPEAT:-20}
repeated() { for _ in $(seq "$REPEAT"); do "$@" >/dev/null; done; }
per_run() { awk -v t="$(median repeated "$@")" -v n="$REPEAT" 'BEGIN { printf "%.4f", t / n }'; }
peak_kib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() { printf '  %-44s %9.4fs %9.4fs %7sx  (%s)\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4"; }

# N claims: 100 sources, N/100 events, reports of 5 claims each; the same rows as CSV.
generate() {
  local n=$1 dir=$2
  awk -v n="$n" -v nd="$dir/data.ndjson" -v csv="$dir/data.csv" 'BEGIN {
    events = int(n / 100); if (events < 1) events = 1
    for (s = 0; s < 100; s++) printf "{\"type\":\"source\",\"slug\":\"s%d\",\"name\":\"Source %d\",\"grade\":\"%s\",\"url\":\"https://example.org/%d\"}\n", s, s, substr("ABCDEF", s % 6 + 1, 1), s > nd
    for (e = 0; e < events; e++) printf "{\"type\":\"event\",\"slug\":\"e%d\",\"title\":\"Event %d\",\"date\":\"2017-05-%02d\",\"country\":\"Mali\"}\n", e, e, e % 28 + 1 > nd
    split("killed wounded abducted missing displaced", kinds, " ")
    split("at least|more than|about|exactly|up to", pre, "|")
    c = 0; r = 0
    while (c < n) {
      e = r % events; s = r % 100; r++
      line = sprintf("{\"type\":\"report\",\"source\":\"s%d\",\"event\":\"e%d\",\"published\":\"2017-06-%02d\",\"url\":\"https://example.org/r%d\",\"claims\":[", s, e, r % 28 + 1, r)
      for (k = 1; k <= 5 && c < n; k++) {
        v = (r * 7 + k * 13) % 200 + 1; p = pre[(r + k) % 5 + 1]
        line = line sprintf("%s{\"kind\":\"%s\",\"subject\":\"civilians\",\"count\":\"%s %d\",\"origin\":\"origin %d\"}", (k > 1 ? "," : ""), kinds[k], p, v, (r + k) % 50)
        c++
        printf "c%d,e%d,r%d,%s,civilians,%s %d,%d,%d,origin %d,s%d\n", c, e, r, kinds[k], p, v, v, v, (r + k) % 50, s > csv
      }
      print line "]}" > nd
    }
  }'
}

sqlite_load() {
  rm -f "$1"
  sqlite3 "$1" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE claims (id TEXT PRIMARY KEY, event TEXT, report TEXT, kind TEXT, subject TEXT, phrase TEXT,
                     low INTEGER, high INTEGER, origin TEXT, source TEXT);
CREATE INDEX claims_event ON claims (event, kind, subject);
CREATE INDEX claims_report ON claims (report);
.import --csv $2 claims
SQL
}

# The rows a tally ledger holds, into a fresh file with tally's schema,
# tables, indexes and triggers (not STRICT, since the shell's CSV import
# reads NULL as an empty string).
sed -e 's/) STRICT, WITHOUT ROWID;/) WITHOUT ROWID;/' -e 's/) STRICT;/);/' schema.sql > "$WORK/schema.sql"
same_load() {
  rm -f "$1" "$1-wal" "$1-shm"
  sqlite3 "$1" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
.read $WORK/schema.sql
BEGIN;
.import --csv $2/journal.csv journal
.import --csv $2/reports.csv reports
.import --csv $2/claims.csv claims
COMMIT;
SQL
}

echo "tally $("$TALLY" --version | cut -d' ' -f2) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); median of $RUNS runs"
echo "  SHA extensions: $(grep -m1 -o -w 'sha_ni' /proc/cpuinfo || echo 'not present')"

declare -A SMALL
for N in 1000 "${SIZES[@]}"; do
  D=$WORK/$N; mkdir -p "$D"
  generate "$N" "$D"
  DB=$D/tally.db
  fresh() { rm -f "$DB" "$DB-wal" "$DB-shm"; "$TALLY" --db "$DB" init >/dev/null; }
  SETUP=fresh; t_import=$(median "$TALLY" --db "$DB" import "$D/data.ndjson"); SETUP=
  t_sqlite=$(median sqlite_load "$D/ref.db" "$D/data.csv")
  # The second floor: the same rows tally stores (journal, reports, claims,
  # with tally's own schema, indexes and triggers), loaded by the shell.
  for t in journal reports claims; do sqlite3 -csv "$DB" "SELECT * FROM $t ORDER BY rowid" > "$D/$t.csv"; done
  t_same=$(median same_load "$D/same.db" "$D")
  "$TALLY" --db "$DB" export --format journal > "$D/journal.ndjson"
  t_verify=$(median "$TALLY" --db "$DB" verify)
  t_sha=$(median sha256sum "$D/journal.ndjson")
  t_add=$(per_run "$TALLY" --db "$DB" claim add --event e0 --report r1 --kind killed --count 7)
  t_ins=$(per_run sqlite3 "$D/ref.db" "PRAGMA synchronous=FULL; INSERT INTO claims VALUES ('x' || random(), 'e0', 'r1', 'killed', 'total', '7', 7, 7, 's0', 's0')")
  t_rec=$(per_run "$TALLY" --db "$DB" reconcile e1)
  t_aud=$(per_run "$TALLY" --db "$DB" audit claim c5)
  t_show=$(per_run "$TALLY" --db "$DB" claim show c5)
  # The bundle of a claim with three revisions (SPEC: under 16 KiB at 1M).
  "$TALLY" --db "$DB" claim amend c5 --count 9 --reason revised >/dev/null
  "$TALLY" --db "$DB" claim amend c5 --count 10 --reason "revised again" >/dev/null
  "$TALLY" --db "$DB" checkpoint > "$D/cp.txt"
  t_prove=$(per_run "$TALLY" --db "$DB" prove c5 --checkpoint "$D/cp.txt")
  "$TALLY" --db "$DB" prove c5 --checkpoint "$D/cp.txt" > "$D/c5.json"
  t_check=$(per_run "$TALLY" check "$D/c5.json")
  if [ "$N" = 1000 ]; then
    SMALL[rec]=$t_rec; SMALL[aud]=$t_aud; SMALL[show]=$t_show; SMALL[prove]=$t_prove; SMALL[check]=$t_check
    continue
  fi
  if [ -n "$BASE_TALLY" ]; then
    BDB=$D/base.db
    base_fresh() { rm -f "$BDB" "$BDB-wal" "$BDB-shm"; "$BASE_TALLY" --db "$BDB" init >/dev/null; }
    SETUP=base_fresh; t_base=$(median "$BASE_TALLY" --db "$BDB" import "$D/data.ndjson"); SETUP=
    rm -f "$BDB" "$BDB-wal" "$BDB-shm"
  fi
  # The same import with every entry signed by its author's key, and
  # verify checking every signature (in batches, SPEC §9).
  KEY=$D/bench.key; rm -f "$KEY"
  VKEY=$("$TALLY" key generate bench --out "$KEY" | sed -n 's/^verifier key: //p')
  SDB=$D/signed.db
  signed_fresh() {
    rm -f "$SDB" "$SDB-wal" "$SDB-shm"; "$TALLY" --db "$SDB" init >/dev/null
    "$TALLY" --db "$SDB" --signing-key "$KEY" author add bench --key "$VKEY" >/dev/null
  }
  SETUP=signed_fresh; t_simport=$(median "$TALLY" --db "$SDB" --signing-key "$KEY" import "$D/data.ndjson"); SETUP=
  t_sverify=$(median "$TALLY" --db "$SDB" verify)
  n_sigs=$("$TALLY" --db "$SDB" verify --json | sed -n 's/.*"signatures": *\([0-9]*\).*/\1/p')
  rm -f "$SDB" "$SDB-wal" "$SDB-shm"
  fresh
  m_import=$(peak_kib "$TALLY" --db "$DB" import "$D/data.ndjson")
  m_verify=$(peak_kib "$TALLY" --db "$DB" verify)
  echo
  echo "N = $N claims ($(du -h "$D/data.ndjson" | cut -f1) NDJSON, ledger $(du -h "$DB" | cut -f1))"
  printf '  %-44s %10s %10s %8s\n' "" "tally" "floor" "ratio"
  row "import vs sqlite3 .import of the CSV" "$t_import" "$t_sqlite" "target ≤ 2× at 1M"
  row "import vs sqlite3 loading tally's own rows" "$t_import" "$t_same" "the design's own floor"
  [ -n "$BASE_TALLY" ] && row "import vs import without the Merkle tree" "$t_import" "$t_base" "target ≤ 1.25×, tally at $TREE_BASE"
  row "verify vs sha256sum of the journal" "$t_verify" "$t_sha" "target ≤ 4×, integrity_check included"
  row "import, every entry signed, vs unsigned" "$t_simport" "$t_import" "signing's cost"
  row "verify, every signature checked, vs unsigned" "$t_sverify" "$t_verify" "signatures reported on their own"
  printf '  signatures checked: %s, %.1f µs each beyond the unsigned verify (batched)\n' "$n_sigs" \
    "$(awk -v a="$t_sverify" -v b="$t_verify" -v n="$n_sigs" 'BEGIN { print (a - b) * 1e6 / n }')"
  row "claim add vs one sqlite3 INSERT process" "$t_add" "$t_ins" "target ≤ 1.3×"
  row "reconcile EVENT at N vs at 1k" "$t_rec" "${SMALL[rec]}" "target ≤ 1.2×"
  row "audit claim at N vs at 1k" "$t_aud" "${SMALL[aud]}" "target ≤ 1.2×"
  row "claim show at N vs at 1k" "$t_show" "${SMALL[show]}" "target ≤ 1.2×"
  row "prove CLAIM at N vs at 1k" "$t_prove" "${SMALL[prove]}" "target ≤ 1.2×"
  row "check BUNDLE at N vs at 1k" "$t_check" "${SMALL[check]}" "target ≤ 1.2×"
  printf '  bundle for c5, 3 revisions (%s entries): %s bytes (target < 16 KiB)\n' "$(grep -c '"leaf_index"' "$D/c5.json")" "$(wc -c < "$D/c5.json")"
  printf '  peak RSS: import %s MiB, verify %s MiB (target ≤ 64 MiB)\n' "$((m_import / 1024))" "$((m_verify / 1024))"
done
