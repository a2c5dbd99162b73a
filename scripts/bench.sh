#!/usr/bin/env bash
# Benchmark of SPEC §10: charter build and check against Hugo and a parse-and-render
# floor on the same generated content, at N = 1,000 and 10,000 stories, with the output
# on disk and on tmpfs; peak memory; the cost of highlighting code; serve's edit-to-reload
# time and the language server's edit-to-diagnostics and completion times at N = 10,000;
# and audit and build over a 2,000-commit history of the largest corpus.
#
# Needs: hyperfine and hugo (Debian: apt-get install -y hyperfine hugo), GNU time.
# Usage: scripts/bench.sh [RUNS]        (default 5 runs per command; medians reported)
#        BENCH_SIZES="1000" scripts/bench.sh   (other sizes; serve is measured at the last)
#        BENCH_ONLY="serve history" scripts/bench.sh   (only those parts, on existing corpora:
#                                               build, big, highlight, history, serve;
#                                               BENCH_SERVE_ONLY=1 is BENCH_ONLY=serve)
#        BENCH_BIG=0 scripts/bench.sh          (skip the 100,000-story run; BENCH_BIG=N for
#                                               another size, BENCH_BIG_RUNS for its runs, default 3)
#        BENCH_LONG=0 scripts/bench.sh         (skip the second corpus shape, `gen_site --shape
#                                               long`, measured at the largest size)
#        BENCH_EDITS=N scripts/bench.sh        (edits timed by serve and lsp, default 21)
#        BENCH_DISK2=DIR scripts/bench.sh      (builds measured with the output in DIR too: a
#                                               second disk or file system, named in the report)
#        BENCH_SITES=DIR scripts/bench.sh      (where the corpora are generated, default
#                                               /var/tmp/charter-bench: outside any git work
#                                               tree, so builds read no history; the history
#                                               part makes its own repository)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
sizes="${BENCH_SIZES:-1000 10000}"
disk="$(pwd)/target/bench"
sites="${BENCH_SITES:-/var/tmp/charter-bench}"
tmpfs="/dev/shm/charter-bench"
report="$disk/report.md"

for tool in hyperfine /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y hyperfine time)"; exit 2; }
done
have_hugo=1
command -v hugo >/dev/null || { have_hugo=0; echo "bench: hugo not found: Hugo columns are skipped (apt-get install -y hugo)"; }

cargo build --release --quiet --bin charter --example gen_site --example floor --example reload_latency --example lsp_latency
charter="$(pwd)/target/release/charter"
gen="$(pwd)/target/release/examples/gen_site"
floor="$(pwd)/target/release/examples/floor"
latency="$(pwd)/target/release/examples/reload_latency"
lsp_latency="$(pwd)/target/release/examples/lsp_latency"
mkdir -p "$disk" "$tmpfs" "$sites"
if git -C "$sites" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "bench: $sites is inside a git work tree, where builds also read its history; set BENCH_SITES"
    exit 2
fi

# The file system holding a folder, as the report names it: type, device, and for ext4
# whether it has a journal and discards (both change what deleting and creating cost).
describe_fs() {
    local source fstype options name journal=""
    read -r source fstype options < <(findmnt -no SOURCE,FSTYPE,OPTIONS -T "$1")
    name=$(basename "$source")
    if [ -r "/sys/fs/ext4/$name/journal_task" ]; then
        if [ "$(cat "/sys/fs/ext4/$name/journal_task")" = "<none>" ]; then journal=", no journal"; else journal=", journal"; fi
    fi
    case ",$options," in *,discard,*) journal="$journal, discard" ;; esac
    echo "$fstype on $source$journal"
}

peak_kib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
[ "${BENCH_SERVE_ONLY:-0}" = 1 ] && BENCH_ONLY=serve
# Whether the part named $1 runs (all of them without BENCH_ONLY).
part() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }

{
    echo "# charter benchmark"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "Tools: $("$charter" --version), $(hyperfine --version)$([ $have_hugo = 1 ] && echo ", $(hugo version | cut -d' ' -f1-2)")"
    echo "Command: ${BENCH_ONLY:+BENCH_ONLY=\"$BENCH_ONLY\" }scripts/bench.sh $runs (medians of $runs runs after 1 warm-up, same machine, same run)"
    echo
} > "$report"

# Corpora: every size in the default shape, and the largest in the long shape too (longer
# bodies, more sprints, people and docs: SPEC §10's targets hold on more than one shape).
largest=${sizes##* }
corpora="$sizes"
[ "${BENCH_LONG:-1}" != 0 ] && corpora="$corpora $largest-long"
edits="${BENCH_EDITS:-21}"

for corpus in $corpora; do
    part build || break
    n=${corpus%-long}
    shape=()
    [ "$corpus" != "$n" ] && shape=(--shape long)
    site="$sites/site-$corpus"
    hugo_site="$sites/hugo-$corpus"
    "$gen" "$n" "$site" --hugo "$hugo_site" "${shape[@]}"
    md_bytes=$(find "$site" -name '*.md' -printf '%s\n' | awk '{s+=$1} END {print s}')
    "$charter" check "$site" >/dev/null
    for where in tmpfs disk ${BENCH_DISK2:+disk2}; do
        case "$where" in
            tmpfs) out="$tmpfs/out-$n" ;;
            disk) out="$disk/out-$n" ;;
            disk2) out="$BENCH_DISK2/out-$n" ;;
        esac
        mkdir -p "$out"
        label="$where ($(describe_fs "$out"))"
        json="$disk/result-$corpus-$where.json"
        cmds=(-n "charter build" "$charter build $site --out $out/charter"
              -n "charter check" "$charter check $site"
              -n "floor" "$floor $site $out/floor")
        if [ $have_hugo = 1 ]; then
            cmds+=(-n "hugo" "hugo --quiet -s $hugo_site -d $out/hugo")
        fi
        hyperfine --style basic --warmup 1 --runs "$runs" --prepare "rm -rf $out/charter $out/floor $out/hugo" \
            --export-json "$json" "${cmds[@]}" >/dev/null
        rm -rf "$out/charter" "$out/floor" "$out/hugo"
        mem_charter=$(peak_kib "$charter" build "$site" --out "$out/charter")
        mem_floor=$(peak_kib "$floor" "$site" "$out/floor")
        mem_hugo=""
        if [ $have_hugo = 1 ]; then mem_hugo=$(peak_kib hugo --quiet -s "$hugo_site" -d "$out/hugo"); fi
        # A one-story edit, then build into the existing output (unchanged files are
        # hard-linked from it): the edit-and-rebuild loop of someone without serve.
        story="$site/backlog/S-1.md"
        cp "$story" "$disk/story.bak"
        edit_json="$disk/result-$corpus-$where-edit.json"
        hyperfine --style basic --warmup 1 --runs "$runs" --prepare "sh -c 'date +%N >> $story'" \
            --export-json "$edit_json" -n "charter build, one story edited" \
            "$charter build $site --out $out/charter" >/dev/null
        cp "$disk/story.bak" "$story"
        rm -rf "$out"
        python3 - "$json" "$n" "$label" "$md_bytes" "$mem_charter" "$mem_floor" "$mem_hugo" "$edit_json" "${shape[*]:-}" >> "$report" <<'PY'
import json, sys
path, n, where, md, mem_c, mem_f, mem_h, edit, shape = sys.argv[1:]
results = {r["command"]: r for r in json.load(open(path))["results"]}
results.update({r["command"]: r for r in json.load(open(edit))["results"]})
med = {name: r["median"] for name, r in results.items()}
md_mib = int(md) / 1048576
shape = f", `gen_site {shape}`" if shape else ""
print(f"## N = {int(n):,} stories{shape}, output on {where} ({md_mib:.1f} MiB of Markdown)\n")
print("| command | median | min | max | vs hugo | vs floor |")
print("|---|---:|---:|---:|---:|---:|")
for name in ["charter build", "charter build, one story edited", "charter check", "floor", "hugo"]:
    if name not in results:
        continue
    r = results[name]
    vs_hugo = f"{med['hugo'] / r['median']:.1f}x faster" if "hugo" in med and name != "hugo" else ""
    vs_floor = f"{r['median'] / med['floor']:.2f}x" if name != "floor" else ""
    cpu = f" (CPU {r['user'] + r['system']:.2f} s)"
    print(f"| {name} | {r['median']:.3f} s{cpu} | {r['min']:.3f} s | {r['max']:.3f} s | {vs_hugo} | {vs_floor} |")
print()
ratio = med["charter check"] / med["charter build"]
print(f"check / build: {ratio:.2f}. Peak memory (max RSS): charter build {int(mem_c)/1024:.0f} MiB "
      f"({int(mem_c)/1024/md_mib:.1f}x the Markdown), floor {int(mem_f)/1024:.0f} MiB"
      + (f", hugo {int(mem_h)/1024:.0f} MiB" if mem_h else "") + ".\n")
PY
    done
done

# Scale (SPEC §10): BENCH_BIG (default 100,000) stories, about 400 MB of Markdown; charter
# alone (Hugo would take many minutes), output on tmpfs; the corpus is deleted afterwards.
big="${BENCH_BIG:-100000}"
if part big && [ "$big" != 0 ]; then
    site="$sites/site-$big"
    out="$tmpfs/out-$big"
    json="$disk/result-$big.json"
    "$gen" "$big" "$site" >/dev/null
    md_bytes=$(find "$site" -name '*.md' -printf '%s\n' | awk '{s+=$1} END {print s}')
    hyperfine --style basic --warmup 0 --runs "${BENCH_BIG_RUNS:-3}" --prepare "rm -rf $out" --export-json "$json" \
        -n "charter build" "$charter build $site --out $out" \
        -n "charter check" "$charter check $site" >/dev/null
    rm -rf "$out"
    mem_build=$(peak_kib "$charter" build "$site" --out "$out")
    mem_check=$(peak_kib "$charter" check "$site")
    rm -rf "$out" "$site"
    python3 - "$json" "$big" "$md_bytes" "$mem_build" "$mem_check" >> "$report" <<'PY'
import json, sys
path, n, md, mem_b, mem_c = sys.argv[1:]
results = {r["command"]: r for r in json.load(open(path))["results"]}
md_mib = int(md) / 1048576
print(f"## N = {int(n):,} stories, output on tmpfs ({md_mib:.1f} MiB of Markdown), charter alone\n")
print("| command | median | min | max | CPU (user+sys) | peak memory |")
print("|---|---:|---:|---:|---:|---:|")
for name, mem in [("charter build", mem_b), ("charter check", mem_c)]:
    r = results[name]
    mib = int(mem) / 1024
    print(f"| {name} | {r['median']:.3f} s | {r['min']:.3f} s | {r['max']:.3f} s | "
          f"{r['user'] + r['system']:.2f} s | {mib:.0f} MiB ({mib / md_mib:.1f}x the Markdown) |")
print()
PY
fi

# Highlighting: build at the largest size of a corpus with a code section (YAML, JSON,
# Rust or Python, then shell, TOML or Markdown) on every third page besides the one-line
# `json` blocks, against the same corpus with every fence's language removed.
if part highlight; then
    n=${sizes##* }
    "$gen" "$n" "$sites/code-$n" --code-every 3 >/dev/null 2>&1
    "$gen" "$n" "$sites/plain-$n" --code-every 3 --plain-code >/dev/null 2>&1
    out="$tmpfs/code-out"
    json="$disk/result-highlight.json"
    hyperfine --style basic --warmup 1 --runs "$runs" --prepare "rm -rf $out" --export-json "$json" \
        -n "highlighted" "$charter build $sites/code-$n --out $out" \
        -n "languages removed" "$charter build $sites/plain-$n --out $out" >/dev/null
    rm -rf "$out" "$sites/code-$n" "$sites/plain-$n"
    python3 - "$json" "$n" >> "$report" <<'PY'
import json, sys
path, n = sys.argv[1:]
results = {r["command"]: r for r in json.load(open(path))["results"]}
print(f"## Highlighting at N = {int(n):,}: code on every third page, output on tmpfs\n")
print("| command | median | CPU (user + sys, mean) |")
print("|---|---:|---:|")
for name in ["highlighted", "languages removed"]:
    r = results[name]
    print(f"| {name} | {r['median']:.3f} s | {r['user'] + r['system']:.3f} s |")
on, off = results["highlighted"], results["languages removed"]
wall = on["median"] / off["median"] - 1
cpu = (on["user"] + on["system"]) / (off["user"] + off["system"]) - 1
print(f"\nHighlighting adds {wall * 100:.0f}% to build's wall time and {cpu * 100:.0f}% to its CPU (target: under 15%).\n")
PY
fi

# History and audit (SPEC §10, §11): a repository of BENCH_COMMITS (default 2,000) commits
# over the largest corpus (scripts/gen_history.py); `audit` of the whole history, and
# `build` of the same files in the repository (with history) and outside it (without).
if part history; then
    n=${sizes##* }
    commits="${BENCH_COMMITS:-2000}"
    repo="$sites/history-$n"
    rm -rf "$repo" "$sites/nohistory-$n"
    python3 scripts/gen_history.py "$sites/site-$n" "$repo" "$commits"
    cp -r "$repo/site" "$sites/nohistory-$n"
    out="$tmpfs/history-out"
    json="$disk/result-history.json"
    # audit exits 1: the generated history holds violations on purpose. Cold runs start
    # without history's cache (.git/charter), as a CI job on a fresh clone does; warm runs
    # find the one the run before wrote, as a second build on a workstation does.
    cache="$repo/.git/charter"
    hyperfine --style basic --warmup 1 --runs "$runs" -i --export-json "$json" \
        --prepare "rm -rf $cache" -n "charter audit, cold" "$charter audit $repo/site --format json" \
        --prepare "true" -n "charter audit, warm" "$charter audit $repo/site --format json" >/dev/null
    # The builds are timed in interleaved rounds (cold, warm, outside git, then again), so
    # that their ratio does not depend on the machine drifting between blocks of runs.
    builds_json="$disk/result-history-builds.json"
    python3 - "$charter" "$repo" "$sites/nohistory-$n" "$out" "$runs" > "$builds_json" <<'PY'
import json, shutil, subprocess, sys, time
charter, repo, outside, out, runs = sys.argv[1:]
builds = {"build with history, cold": f"{repo}/site", "build with history, warm": f"{repo}/site",
          "build without history": outside}
times = {name: [] for name in builds}
for round in range(int(runs) + 1):  # the first round is the warm-up
    for name, site in builds.items():
        shutil.rmtree(out, ignore_errors=True)
        if name.endswith("cold"):
            shutil.rmtree(f"{repo}/.git/charter", ignore_errors=True)
        start = time.perf_counter()
        subprocess.run([charter, "build", site, "--out", out], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        if round:
            times[name].append(time.perf_counter() - start)
json.dump(times, sys.stdout)
PY
    rm -rf "$out"
    python3 - "$json" "$builds_json" "$n" "$commits" >> "$report" <<'PY'
import json, sys
path, builds_path, n, commits = sys.argv[1:]
results = {r["command"]: r for r in json.load(open(path))["results"]}
builds = json.load(open(builds_path))
for name, times in builds.items():
    times.sort()
    results[name] = {"median": times[len(times) // 2], "min": times[0], "max": times[-1]}
print(f"## History: {int(commits):,} commits over N = {int(n):,} stories\n")
print("| command | median | min | max |")
print("|---|---:|---:|---:|")
for name in ["charter audit, cold", "charter audit, warm", "build with history, cold", "build with history, warm",
             "build without history"]:
    r = results[name]
    print(f"| {name} | {r['median']:.3f} s | {r['min']:.3f} s | {r['max']:.3f} s |")
added = {w: results[f"build with history, {w}"]["median"] / results["build without history"]["median"] - 1
         for w in ["cold", "warm"]}
print(f"\nHistory adds {added['warm'] * 100:.0f}% to build with history's cache, {added['cold'] * 100:.0f}% without "
      "(target: under 20%); audit target: under 2 s.\n")
PY
fi

# serve and lsp at the largest size, on each corpus shape: one edited story to the reload
# event; a keystroke in one story to its diagnostics, and completion.
for corpus in $corpora; do
    part serve || break
    case "$corpus" in "$largest" | "$largest-long") ;; *) continue ;; esac
    site="$sites/site-$corpus"
    port_file="$disk/serve.out"
    "$charter" serve "$site" --port 0 > "$port_file" 2> "$disk/serve.err" &
    serve_pid=$!
    trap 'kill $serve_pid 2>/dev/null || true' EXIT
    for _ in $(seq 1 600); do grep -q "serving" "$port_file" 2>/dev/null && break; sleep 0.1; done
    url=$(grep -o 'http://[^ ]*' "$port_file")
    story="$site/backlog/S-500.md"
    {
        echo "## serve at $corpus stories: saving one story to the reload event"
        echo
        echo '```'
        "$latency" "$url" "$story" "$edits" | tail -n 1
        echo '```'
    } >> "$report"
    kill $serve_pid 2>/dev/null || true
    wait $serve_pid 2>/dev/null || true
    {
        echo "## lsp at $corpus stories: didChange to publishDiagnostics, completion, memory"
        echo
        echo '```'
        "$lsp_latency" "$charter" "$site" backlog/S-500.md "$edits" | grep -E '^(first|median|peak)'
        echo '```'
    } >> "$report"
done
cat "$report"
