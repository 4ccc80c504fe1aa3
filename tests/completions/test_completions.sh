#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tests the shell completions in packaging/completions: the bash function is called with the COMP_* variables
# bash would set and its replies are compared exactly; zsh and fish get syntax and load checks with the real
# shells. Prints one line per check; exits non-zero on any failure. A missing zsh or fish is a `skip:` (a
# failure with TFRUN_COMPLETIONS_STRICT=1, as CI should set).
# shellcheck disable=SC2016 # the zsh and fish snippets are expanded by those shells, not here
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
completions=$(cd "$here/../../packaging/completions" && pwd)
failures=0

pass() { printf 'ok: %s\n' "$1"; }
fail() {
  printf 'FAIL: %s\n' "$1"
  failures=$((failures + 1))
}
skip() {
  printf 'skip: %s\n' "$1"
  [[ ${TFRUN_COMPLETIONS_STRICT-0} == 1 ]] && failures=$((failures + 1))
  return 0
}

# The Procfile the cases complete from, in a temp dir the completions run in.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'web: x\nworker: y\n' >"$work/Procfile"

# bash: each case runs in a fresh `bash --norc`, so nothing of this script's shell leaks into the function.
# case_bash NAME EXPECTED LINE WORD...: LINE is COMP_LINE (cursor at its end); the WORDs are COMP_WORDS as
# bash splits that line, the last one being the word under the cursor; EXPECTED is COMPREPLY joined by spaces.
case_bash() {
  local name=$1 expected=$2 line=$3
  shift 3
  local got
  got=$(cd "$work" && bash --norc --noprofile -c '
    source "$1" || exit 1
    COMP_LINE=$2 COMP_POINT=${#2}
    shift 2
    COMP_WORDS=("$@") COMP_CWORD=$(($# - 1))
    _tfrun
    printf "%s" "${COMPREPLY[*]}"' _ "$completions/tfrun.bash" "$line" "$@" 2>&1)
  if [[ $got == "$expected" ]]; then
    pass "bash: $name -> $got"
  else
    fail "bash: $name: expected '$expected', got '$got'"
  fi
}

registered=$(bash --norc --noprofile -c 'source "$1" && complete -p tfrun' _ "$completions/tfrun.bash" 2>&1)
if [[ $registered == "complete -F _tfrun tfrun" ]]; then
  pass "bash: complete -p tfrun -> $registered"
else
  fail "bash: complete -p tfrun: got '$registered'"
fi

case_bash 'tfrun st<TAB>' 'start stop' 'tfrun st' tfrun st
case_bash 'tfrun re<TAB>' 'restart reload' 'tfrun re' tfrun re
case_bash 'tfrun <TAB>' 'start run check env export version ps restart stop signal scale logs reload attach' 'tfrun ' tfrun ''
case_bash 'tfrun a<TAB>' 'attach' 'tfrun a' tfrun a
case_bash 'tfrun start --p<TAB>' '--procfile --port --pty' 'tfrun start --p' tfrun start --p
case_bash 'tfrun attach w<TAB>' 'web worker web.1 worker.1' 'tfrun attach w' tfrun attach w
case_bash 'tfrun restart <TAB> (no formation runs)' 'web worker web.1 worker.1' 'tfrun restart ' tfrun restart ''
case_bash 'tfrun signal <TAB>' 'HUP INT QUIT TERM USR1 USR2 WINCH CONT STOP KILL' 'tfrun signal ' tfrun signal ''
case_bash 'tfrun signal HUP w<TAB>' 'web worker web.1 worker.1' 'tfrun signal HUP w' tfrun signal HUP w
case_bash 'tfrun ps --j<TAB>' '--json' 'tfrun ps --j' tfrun ps --j
case_bash 'tfrun scale w<TAB>' 'web worker web= worker=' 'tfrun scale w' tfrun scale w
case_bash 'tfrun start --co<TAB>' '--color --concurrency' 'tfrun start --co' tfrun start --co
case_bash 'tfrun logs -f w<TAB> (-f follows)' 'web worker web.1 worker.1' 'tfrun logs -f w' tfrun logs -f w
case_bash 'tfrun start --color <TAB>' 'auto always never' 'tfrun start --color ' tfrun start --color ''
# bash splits at `=` (COMP_WORDBREAKS): the reply replaces only the part after it.
case_bash 'tfrun start --color=al<TAB>' 'always' 'tfrun start --color=al' tfrun start --color = al
case_bash 'tfrun start --log-format <TAB>' 'text json' 'tfrun start --log-format ' tfrun start --log-format ''
case_bash 'tfrun run --signal-target <TAB>' 'group main' 'tfrun run --signal-target ' tfrun run --signal-target ''
case_bash 'tfrun start w<TAB>' 'web worker web= worker=' 'tfrun start w' tfrun start w
case_bash 'tfrun start web=<TAB>' '' 'tfrun start web=' tfrun start web =
case_bash 'tfrun env <TAB>' 'web.1 worker.1' 'tfrun env ' tfrun env ''
case_bash 'tfrun export <TAB>' 'systemd supervisord runit launchd kubernetes compose' 'tfrun export ' tfrun export ''
case_bash 'tfrun run worke<TAB>' 'worker' 'tfrun run worke' tfrun run worke
case_bash 'tfrun check --s<TAB>' '--strict' 'tfrun check --s' tfrun check --s
case_bash 'tfrun start -q <TAB>' 'web worker' 'tfrun start -q ' tfrun start -q ''
case_bash 'tfrun start --no-t<TAB>' '--no-timestamp --no-terminal-hints' 'tfrun start --no-t' tfrun start --no-t
case_bash 'tfrun run --no-t<TAB> (start only)' '--no-timestamp' 'tfrun run --no-t' tfrun run --no-t
case_bash 'tfrun start -c <TAB>' 'web worker web= worker= all=' 'tfrun start -c ' tfrun start -c ''

# The Procfile named earlier on the line wins over ./Procfile.
mkdir "$work/other" && printf 'api: z\n' >"$work/other/Procfile"
case_bash 'tfrun start -f other/Procfile <TAB>' 'api api= all=' 'tfrun start -f other/Procfile ' \
  tfrun start -f other/Procfile ''
case_bash 'tfrun env --procfile=other/Procfile <TAB>' 'api.1' 'tfrun env --procfile=other/Procfile ' \
  tfrun env --procfile = other/Procfile ''
# The shared options may come before the command.
case_bash 'tfrun -f other<TAB>' 'other' 'tfrun -f other' tfrun -f other
case_bash 'tfrun --app-<TAB>' '--app-root' 'tfrun --app-' tfrun --app-
case_bash 'tfrun -e .env <TAB>' 'start run check env export version ps restart stop signal scale logs reload attach' 'tfrun -e .env ' tfrun -e .env ''
case_bash 'tfrun -f other/Procfile start <TAB>' 'api api= all=' 'tfrun -f other/Procfile start ' \
  tfrun -f other/Procfile start ''

# zsh: parse check, then autoload through compinit as a user's fpath would, and call it outside completion
# (it must load without errors; _arguments then just reports it is not in a completion widget).
if command -v zsh >/dev/null; then
  if out=$(zsh -n "$completions/_tfrun" 2>&1); then
    pass "zsh: zsh -n _tfrun"
  else
    fail "zsh: zsh -n _tfrun: $out"
  fi
  if out=$(cd "$work" && HOME=$work zsh -f -c '
      fpath=("$1" $fpath)
      autoload -Uz compinit && compinit -u -D || exit 1
      [[ ${_comps[tfrun]} == _tfrun ]] || { print "tfrun not bound: ${_comps[tfrun]-unset}"; exit 1 }
      autoload +X _tfrun || exit 1
      (( $+functions[_tfrun] ))' _ "$completions" 2>&1) && [[ -z $out ]]; then
    pass "zsh: compinit binds tfrun to _tfrun and autoloads it"
  else
    fail "zsh: compinit load: $out"
  fi
else
  skip "zsh not installed: zsh checks"
fi

# fish: parse check, then the real completion engine on a command line.
if command -v fish >/dev/null; then
  if out=$(fish --no-execute "$completions/tfrun.fish" 2>&1); then
    pass "fish: fish --no-execute tfrun.fish"
  else
    fail "fish: fish --no-execute tfrun.fish: $out"
  fi
  out=$(cd "$work" && HOME=$work fish --no-config -c 'source $argv[1]; complete -C"tfrun st"' "$completions/tfrun.fish" 2>&1)
  if grep -q '^start' <<<"$out"; then
    pass "fish: complete -C'tfrun st' -> start"
  else
    fail "fish: complete -C'tfrun st': got '$out'"
  fi
  out=$(cd "$work" && HOME=$work fish --no-config -c 'source $argv[1]; complete -C"tfrun env "' "$completions/tfrun.fish" 2>&1 |
    cut -f1 | tr '\n' ' ')
  if [[ $out == 'web.1 worker.1 ' ]]; then
    pass "fish: complete -C'tfrun env ' -> $out"
  else
    fail "fish: complete -C'tfrun env ': got '$out'"
  fi
else
  skip "fish not installed: fish checks"
fi

if ((failures)); then
  printf '%d completion check(s) failed\n' "$failures"
  exit 1
fi
printf 'all completion checks passed\n'
