#!/usr/bin/env bash
# First paint of entity-reader against a bare Textual line viewer, and time until entities show.
#
#   bench/first_paint.sh PATH [RUNS]
#
# Runs each program in a fresh tmux pane (140x45) and polls the screen every few milliseconds:
#   bare     bench/bare_viewer.py: the file's lines through the Line API, nothing else
#   cold     entity-reader with an empty cache: first text, first entity in the sidebar, all done
#   cached   entity-reader again on the same cache: first text (with entities), all done
# Prints the median of RUNS (default 3) for each, and the ratio of first paints to the bare viewer.
set -euo pipefail

path=${1:?usage: bench/first_paint.sh PATH [RUNS]}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-$(command -v python)}
reader=${READER:-$(dirname "$python")/entity-reader}
socket="first-paint-$$"
work=$(mktemp -d)
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

# The first line of text worth waiting for: the first non-blank line, trimmed.
marker=$(grep -m1 -v '^[[:space:]]*$' "$path" | sed 's/^[[:space:]]*//' | cut -c1-30)

now() { date +%s.%N; }

# wait_for PATTERN START TIMEOUT: seconds from START until the pane shows PATTERN (grep -E).
wait_for() {
    local pattern=$1 start=$2 limit=$3
    while true; do
        if tmux -L "$socket" capture-pane -p -t bench 2>/dev/null | grep -qE -- "$pattern"; then
            echo "$(now) - $start" | bc -l
            return 0
        fi
        if (( $(echo "$(now) - $start > $limit" | bc -l) )); then
            echo "nan"
            return 0
        fi
        sleep 0.005
    done
}

start_pane() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    # A server that is still shutting down can refuse the new session: try again.
    for _ in 1 2 3 4 5; do
        tmux -L "$socket" new-session -d -s bench -x 140 -y 45 "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "could not start tmux" >&2
    return 1
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

pattern=$(printf '%s' "$marker" | sed 's/[][\.*^$()+?{}|]/\\&/g')
declare -a bare cold_first cold_entities cold_done cached_first cached_done

for ((i = 0; i < runs; i++)); do
    t=$(now); start_pane "$python $here/bare_viewer.py '$path'"
    bare+=("$(wait_for "$pattern" "$t" 20)")

    rm -rf "$work/cache"; mkdir -p "$work/cache" "$work/data"
    env="ENTITY_READER_CACHE_DIR=$work/cache ENTITY_READER_DATA_DIR=$work/data"
    t=$(now); start_pane "env $env $reader '$path'"
    cold_first+=("$(wait_for "$pattern" "$t" 20)")
    cold_entities+=("$(wait_for 'People +[1-9]' "$t" 120)")
    cold_done+=("$(wait_for 'entities · [0-9]+ mentions' "$t" 900)")

    rm -rf "$work/data"; mkdir -p "$work/data"
    t=$(now); start_pane "env $env $reader '$path'"
    cached_first+=("$(wait_for "$pattern" "$t" 20)")
    cached_done+=("$(wait_for 'entities · [0-9]+ mentions' "$t" 60)")
done

m() { printf '%s\n' "$@" | median; }
b=$(m "${bare[@]}"); cf=$(m "${cold_first[@]}"); kf=$(m "${cached_first[@]}")
printf 'file: %s (%s bytes), %s runs, medians in seconds\n' "$path" "$(wc -c <"$path")" "$runs"
printf '%-34s %8.3f\n' "bare viewer: first paint" "$b"
printf '%-34s %8.3f   (%.2fx bare)\n' "entity-reader cold: first paint" "$cf" "$(echo "$cf / $b" | bc -l)"
printf '%-34s %8.3f\n' "entity-reader cold: first entities" "$(m "${cold_entities[@]}")"
printf '%-34s %8.3f\n' "entity-reader cold: all entities" "$(m "${cold_done[@]}")"
printf '%-34s %8.3f   (%.2fx bare)\n' "entity-reader cached: first paint" "$kf" "$(echo "$kf / $b" | bc -l)"
printf '%-34s %8.3f\n' "entity-reader cached: all entities" "$(m "${cached_done[@]}")"
