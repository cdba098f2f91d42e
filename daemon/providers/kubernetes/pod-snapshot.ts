// The shell script a filesystem snapshot runs in the pod: a tar of the workspace taken while every
// other process in the pod is stopped. Nothing outside a pod can freeze it (a Kata VM has no freezer
// that godeld reaches), but inside it the sandbox user can signal its own processes: SIGSTOP to all of
// them (`kill -1` spares the container's first process, which holds the pod up, and the shell itself)
// makes the snapshot one moment's, and keeps a file from changing under tar, which fails the archive
// ("file changed as we read it", exit 1) whenever something in the pod is writing.
//
// Processes the user had stopped before are left stopped after. Should this shell die before it thaws
// the pod (its exec cut, say), a watchdog it starts once everything is stopped continues them all after
// FREEZE_LIMIT_S, so a lost snapshot never leaves a sandbox frozen for good. $1 is the directory to
// archive; the archive goes to stdout and the exit status is tar's.
export const FREEZE_LIMIT_S = 120;

export const SNAPSHOT_SCRIPT = [
  // "PID STATE" of every process, read from /proc/PID/stat (the state follows the last ") ", as comm may hold either).
  'states() { for s in /proc/[0-9]*/stat; do IFS= read -r l < "$s" 2>/dev/null || continue; p=${s#/proc/}; r=${l##*) }; printf "%s %s\\n" "${p%/stat}" "${r%% *}"; done; }',
  'held=" $(states | while read -r p st; do case $st in T|t) printf "%s " "$p" ;; esac; done)"',
  'thaw() { states | while read -r p st; do case "$held" in *" $p "*) ;; *) kill -CONT "$p" 2>/dev/null ;; esac; done; }',
  'kill -STOP -1 2>/dev/null',
  `( trap 'kill "$w" 2>/dev/null; exit 0' TERM; sleep ${FREEZE_LIMIT_S} & w=$!; wait "$w"; thaw ) </dev/null >/dev/null 2>&1 &`,
  'dog=$!',
  'tar -c -f - -C "$1" .',
  'code=$?',
  'kill "$dog" 2>/dev/null',
  'thaw',
  'exit "$code"',
].join('\n');
