# SPDX-License-Identifier: MIT
# bash completion for tfrun: subcommands, their flags, flag values, and the process types of the Procfile.
# Self-contained on purpose: it works without the bash-completion package (and so in `bash --norc` tests), but
# uses bash-completion's _command_offset for `tfrun run CMD ARGS` when that is loaded.
# Keep in step with src/app/cli.cpp: a flag added there lands here, in _tfrun and in tfrun.fish.
# shellcheck disable=SC2207,SC2086,SC2295,SC2088 # the usual completion idioms: compgen output split on IFS=$'\n',
# word lists split on purpose, $breaks used as a bracket pattern and a literal "~/" matched, all on purpose.

# Prints the process type names of a Procfile, one per line, in file order. Parsed with awk rather than by
# calling tfrun, so completion never runs the project's code and works with a broken tfrun.toml.
_tfrun_procfile_types() {
  local file=$1
  [[ -r $file && ! -d $file ]] || return 0
  awk '/^[[:space:]]*[A-Za-z0-9_-]+:/ {
         sub(/^[[:space:]]+/, ""); sub(/:.*/, "")
         if (!seen[$0]++) print
       }' <"$file" 2>/dev/null
}

# Prints the instance names of the formation running here (`tfrun ps --json`), one per line; nothing when
# no formation runs. $1..: the -f/-d/--socket words of the line, so the same project is asked.
_tfrun_running_instances() {
  command tfrun ps --json "$@" 2>/dev/null | sed -n 's/^{"kind":"instance","name":"\([^"]*\)".*/\1/p'
}

# Rebuilds the shell words up to the cursor into the caller's `words` and `cword`. bash splits COMP_WORDS at
# every COMP_WORDBREAKS character, so `--color=al` and `web=2` arrive as three pieces; pieces not separated by
# blanks in COMP_LINE are glued back together. Without COMP_LINE (a caller that only sets COMP_WORDS) the
# words are taken as they are.
_tfrun_words() {
  words=() cword=0
  if [[ -z ${COMP_LINE-} ]]; then
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    return
  fi
  local line=${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}} piece blanks i n=-1
  for ((i = 0; i <= COMP_CWORD; i++)); do
    piece=${COMP_WORDS[i]-}
    blanks=${line%%[![:space:]]*}
    line=${line#"$blanks"}
    if [[ $line == "$piece"* ]]; then
      line=${line#"$piece"}
    else
      piece=$line # the word under the cursor, cut at the cursor
      line=
    fi
    if ((n < 0)) || [[ -n $blanks ]]; then
      words[++n]=$piece
    else
      words[n]+=$piece
    fi
  done
  cword=$n
}

# Filters the candidate words (one per argument) by the prefix $cur and appends them to COMPREPLY.
_tfrun_add() {
  local word
  for word in "$@"; do
    [[ $word == "$cur"* ]] && COMPREPLY+=("$word")
  done
}

# Prefixes every element of COMPREPLY with $1 (the `--opt=` part when the value is completed in one word).
_tfrun_prefix() {
  local i
  for i in "${!COMPREPLY[@]}"; do
    COMPREPLY[i]=$1${COMPREPLY[i]}
  done
}

# compopt fails outside a real completion (a test calling _tfrun directly); the options are only cosmetic.
_tfrun_compopt() {
  compopt "$@" 2>/dev/null
  return 0
}

_tfrun_files() {
  local IFS=$'\n'
  COMPREPLY+=($(compgen -f -- "$cur"))
  _tfrun_compopt -o filenames
}

_tfrun_dirs() {
  local IFS=$'\n'
  COMPREPLY+=($(compgen -d -- "$cur"))
  _tfrun_compopt -o filenames
}

# Completes `type`, `type=` (a count follows) and optionally `type.1` forms from the Procfile's types.
# $1: "spec" (web web= worker worker= all=), "instance" (web.1 worker.1) or "type" (web worker).
_tfrun_types() {
  local type form=$1
  local -a types
  mapfile -t types < <(_tfrun_procfile_types "$procfile")
  case $form in
  spec)
    # A count is being typed after `type=`: there is nothing to offer.
    [[ $cur == *=* ]] && return
    # Bare names first, then the `name=` forms, so both show and `w<TAB>` still completes to a common prefix.
    _tfrun_add "${types[@]}"
    for type in "${types[@]}" all; do
      _tfrun_add "$type="
    done
    ;;
  instance)
    for type in "${types[@]}"; do
      _tfrun_add "$type.1"
    done
    ;;
  type) _tfrun_add "${types[@]}" ;;
  esac
  # `web=` wants its count right after the sign, not after a space.
  if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *= ]]; then
    _tfrun_compopt -o nospace
  fi
}

# Completes the value of option $1 (the current word is the value).
_tfrun_value() {
  case $1 in
  -f | --procfile | -e | --env) _tfrun_files ;;
  -d | --root | --app-root | -l | --log | -r | --run) _tfrun_dirs ;;
  --color) _tfrun_add auto always never ;;
  --log-format) _tfrun_add text json ;;
  --signal-target) _tfrun_add group main ;;
  -m | --formation | -c | --concurrency) _tfrun_types spec ;;
  --port-type | -q | --quiet) _tfrun_types type ;;
  -u | --user)
    local IFS=$'\n'
    COMPREPLY+=($(compgen -u -- "$cur"))
    ;;
    # -p -t --quiet-period -a --image --secret: free text, nothing sensible to offer.
  esac
}

# The names `ps`, `restart`, `stop` and `signal` take: the running formation's instances and types when one
# runs here, else the Procfile's types and first instances.
_tfrun_control_names() {
  local -a args=() names
  [[ -n $procfile ]] && args+=(-f "$procfile")
  [[ -n $socket ]] && args+=(--socket "$socket")
  mapfile -t names < <(_tfrun_running_instances "${args[@]}")
  if ((${#names[@]} > 0)); then
    local name
    local -A types=()
    for name in "${names[@]}"; do
      types[${name%.*}]=1
    done
    _tfrun_add "${!types[@]}" "${names[@]}"
  else
    _tfrun_types type
    _tfrun_types instance
  fi
}

_tfrun() {
  local cur words cword
  _tfrun_words
  cur=${words[cword]-}
  COMPREPLY=()

  local subcommands="start run check env export version ps restart stop signal scale logs reload attach"
  local input="-f --procfile -d --root --app-root -e --env -p --port"
  local output="-t --timeout --color --no-color --no-colour --no-timestamp --no-prefix --log-format --quiet-period"
  local formation="-m --formation -c --concurrency"
  # Options that take a value in the next word; everything else starting with `-` is a flag. (A bare --color
  # means always; its value is only offered right after it.)
  local with_value=" -f --procfile -d --root --app-root -e --env -p --port -t --timeout --color --log-format "
  with_value+=" --quiet-period -m --formation -c --concurrency -q --quiet --signal-target -a --app -u --user "
  with_value+=" -l --log -r --run --image --secret --port-type --socket -n --lines "

  # bash may have split the current word at `=` or `:` (COMP_WORDBREAKS); the part of $cur before the last
  # such character is already on the line and must not be repeated in the replies.
  local breaks="" keep=""
  [[ $COMP_WORDBREAKS == *=* ]] && breaks+="="
  [[ $COMP_WORDBREAKS == *:* ]] && breaks+=":"
  if [[ -n $breaks && $cur == *[$breaks]* ]]; then
    keep=${cur%"${cur##*[$breaks]}"}
  fi

  # The subcommand: the first word that is one and not an option's value (the shared options may come
  # before it, as in `tfrun -f Procfile.dev start`).
  local command="" at=0 i
  for ((i = 1; i < cword; i++)); do
    if [[ " $subcommands " == *" ${words[i]} "* ]]; then
      command=${words[i]} at=$i
      break
    fi
    [[ $with_value == *" ${words[i]} "* ]] && ((i++))
  done

  if [[ -z $command ]]; then
    if [[ $with_value == *" ${words[cword - 1]} "* ]] && ((cword > 1)); then
      _tfrun_value "${words[cword - 1]}"
    elif [[ $cur == -* ]]; then
      _tfrun_add -h --help -v -V --version $input -t --timeout --color --no-color --no-colour --no-timestamp \
        --no-prefix
    else
      _tfrun_add $subcommands
    fi
    return 0
  fi

  # Walk the words of the subcommand: find the Procfile the line names, count the positionals, and notice
  # `--` and (for run) the start of the command, after which nothing is tfrun's.
  local procfile="" root="" socket="" word prev_opt="" positional=0 dashdash=0 run_command=0
  for ((i = 1; i < cword; i++)); do
    ((i == at)) && continue
    word=${words[i]}
    if [[ -n $prev_opt ]]; then
      case $prev_opt in
      -f | --procfile) procfile=$word ;;
      -d | --root | --app-root) root=$word ;;
      --socket) socket=$word ;;
      esac
      prev_opt=""
      continue
    fi
    ((i < at)) && [[ $word != -* ]] && continue
    if ((dashdash)) || [[ $word != -* ]]; then
      ((positional++))
      [[ $command == run ]] && run_command=$i && break
      continue
    fi
    case $word in
    --) dashdash=1 ;;
    --procfile=*) procfile=${word#*=} ;;
    --root=* | --app-root=*) root=${word#*=} ;;
    --socket=*) socket=${word#*=} ;;
    -f) [[ $command != logs ]] && prev_opt=$word ;; # `logs -f` follows
    -f?*) procfile=${word#-f} ;;
    -d?*) root=${word#-d} ;;
    --*=*) ;;
    *) [[ $with_value == *" $word "* ]] && prev_opt=$word ;;
    esac
  done
  # As tfrun resolves it: -f, else TFRUN_PROCFILE, else ROOT/Procfile (ROOT from -d or TFRUN_ROOT, else .).
  [[ -z $procfile ]] && procfile=${TFRUN_PROCFILE-}
  [[ -z $procfile ]] && root=${root:-${TFRUN_ROOT-}} && procfile=${root:-.}/Procfile
  [[ $procfile == "~/"* ]] && procfile=$HOME/${procfile#"~/"}

  # `tfrun run [OPTIONS] CMD ARGS...`: the arguments belong to CMD; complete them as CMD's own completion
  # would when bash-completion is loaded, as files otherwise.
  if ((run_command)); then
    if declare -F _command_offset >/dev/null; then
      _command_offset "$run_command"
    else
      _tfrun_files
    fi
    return 0
  fi

  # The value of an option given in the previous word.
  if [[ -n $prev_opt ]]; then
    _tfrun_value "$prev_opt"
    [[ -n $keep ]] && COMPREPLY=("${COMPREPLY[@]#"$keep"}")
    return 0
  fi

  # The value of an option given in the same word: --color=al.
  if [[ $cur == --*=* && $dashdash == 0 ]]; then
    local option=${cur%%=*}
    cur=${cur#*=}
    _tfrun_value "$option"
    _tfrun_prefix "$option="
    [[ -n $keep ]] && COMPREPLY=("${COMPREPLY[@]#"$keep"}")
    return 0
  fi

  if [[ $cur == -* && $dashdash == 0 ]]; then
    local options="-h --help"
    case $command in
    start) options+=" $input $output $formation -q --quiet --no-terminal-hints --pty --no-pty --socket" ;;
    ps) options+=" --json -f --procfile -d --root --socket" ;;
    restart | stop | signal | scale) options+=" -f --procfile -d --root --socket" ;;
    logs) options+=" -f --follow -n --lines --procfile -d --root --socket" ;;
    reload | attach) options+=" -f --procfile -d --root --socket" ;;
    run) options+=" $input $output --signal-target --" ;;
    check) options+=" $input $formation --json --strict" ;;
    env) options+=" $input $formation --json" ;;
    export) options+=" $input $formation -t --timeout -a --app -u --user -l --log -r --run --image --secret
      --port-type --user-units -n --dry-run" ;;
    esac
    _tfrun_add $options
    return 0
  fi

  # Positionals.
  case $command in
  start | check) _tfrun_types spec ;;
  env) ((positional == 0)) && _tfrun_types instance ;;
  signal)
    if ((positional == 0)); then
      _tfrun_add HUP INT QUIT TERM USR1 USR2 WINCH CONT STOP KILL
    else
      _tfrun_control_names
    fi
    ;;
  ps | restart | stop | logs) _tfrun_control_names ;;
  attach) ((positional == 0)) && _tfrun_control_names ;;
  scale) _tfrun_types spec ;;
  export)
    case $positional in
    0) _tfrun_add systemd supervisord runit launchd kubernetes compose ;;
    1) _tfrun_dirs ;;
    *) _tfrun_types spec ;;
    esac
    ;;
  run)
    # A Procfile entry's name or any command; the types come first.
    _tfrun_types type
    local IFS=$'\n'
    COMPREPLY+=($(compgen -c -- "$cur" | sort -u))
    ;;
  esac
  [[ -n $keep ]] && COMPREPLY=("${COMPREPLY[@]#"$keep"}")
  return 0
}

complete -F _tfrun tfrun
