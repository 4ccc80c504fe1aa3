# SPDX-License-Identifier: MIT
# fish completion for tfrun: subcommands, their flags, flag values, and the process types of the Procfile.
# Keep in step with src/app/cli.cpp: a flag added there lands here, in tfrun.bash and in _tfrun.

# Options that take a value in the next token; needed to tell option values from positionals.
set -g __tfrun_value_options -f --procfile -d --root --app-root -e --env -p --port -t --timeout --color \
    --log-format --quiet-period -m --formation -c --concurrency -q --quiet --signal-target -a --app -u --user \
    -l --log -r --run --image --secret --port-type --socket -n --lines

# Reads the tokens before the cursor into globals: __tfrun_cmd (the subcommand), __tfrun_pos (its positionals),
# __tfrun_pending (1 when the previous token is an option waiting for its value), __tfrun_run_at (the index of
# `run`'s command, 0 if none yet) and __tfrun_procfile (the Procfile, found as tfrun finds it: -f/--procfile,
# else $TFRUN_PROCFILE, else ROOT/Procfile with ROOT from -d/--root, $TFRUN_ROOT or the current directory).
function __tfrun_parse
    set -l tokens (commandline -opc)
    set -g __tfrun_cmd ''
    set -g __tfrun_pos
    set -g __tfrun_pending 0
    set -g __tfrun_run_at 0
    set -l procfile ''
    set -l root ''
    set -l prev ''
    set -l dashdash 0
    for i in (seq 2 (count $tokens))
        set -l token $tokens[$i]
        if test -n "$prev"
            switch $prev
                case -f --procfile
                    set procfile $token
                case -d --root --app-root
                    set root $token
            end
            set prev ''
            continue
        end
        if test -z "$__tfrun_cmd"
            # The shared options may come before the subcommand (tfrun -f Procfile.dev start).
            if contains -- $token start run check env export version ps restart stop signal scale logs reload attach
                set __tfrun_cmd $token
            else
                contains -- $token $__tfrun_value_options; and set prev $token
            end
            continue
        end
        if test $dashdash = 1; or not string match -q -- '-*' $token
            set -a __tfrun_pos $token
            if test $__tfrun_cmd = run
                set __tfrun_run_at $i
                break
            end
            continue
        end
        switch $token
            case --
                set dashdash 1
            case '--procfile=*'
                set procfile (string replace -- --procfile= '' $token)
            case '--root=*' '--app-root=*'
                set root (string replace -r -- '^--[a-z-]+=' '' $token)
            case -f
                # `logs -f` follows; everywhere else -f names the Procfile.
                test "$__tfrun_cmd" != logs; and set prev $token
            case '-f?*'
                set procfile (string sub -s 3 -- $token)
            case '-d?*'
                set root (string sub -s 3 -- $token)
            case '*'
                contains -- $token $__tfrun_value_options; and set prev $token
        end
    end
    test -n "$prev"; and set __tfrun_pending 1
    test -z "$procfile"; and set procfile "$TFRUN_PROCFILE"
    if test -z "$procfile"
        test -z "$root"; and set root "$TFRUN_ROOT"
        test -z "$root"; and set root .
        set procfile $root/Procfile
    end
    set -g __tfrun_procfile (string replace -r '^~/' "$HOME/" -- $procfile)
end

# True when the subcommand is one of the arguments and tfrun's own options still apply (not after run's command).
function __tfrun_options_for
    __tfrun_parse
    contains -- "$__tfrun_cmd" $argv; and test $__tfrun_run_at = 0
end

# True when the token under the cursor is positional number $argv[1] (0-based; `+` for "this one or later")
# of subcommand $argv[2..].
function __tfrun_positional
    __tfrun_parse
    contains -- "$__tfrun_cmd" $argv[2..-1]; or return 1
    test $__tfrun_pending = 0; and test $__tfrun_run_at = 0; or return 1
    set -l n (count $__tfrun_pos)
    switch $argv[1]
        case '*+'
            test $n -ge (string trim -c + -- $argv[1])
        case '*'
            test $n -eq $argv[1]
    end
end

# The process type names of the Procfile, one per line. Parsed with awk rather than by calling tfrun, so
# completion never runs the project.
function __tfrun_types
    __tfrun_parse
    test -r "$__tfrun_procfile" -a ! -d "$__tfrun_procfile"; or return 0
    awk '/^[[:space:]]*[A-Za-z0-9_-]+:/ {
           sub(/^[[:space:]]+/, ""); sub(/:.*/, "")
           if (!seen[$0]++) print
         }' <$__tfrun_procfile 2>/dev/null
end

# A formation: `web`, `web=` (its count follows), `all=`; after a comma (web=2,w) the earlier part is kept so
# fish matches the candidates against the whole token.
function __tfrun_specs
    set -l token (commandline -ct)
    set -l head ''
    string match -q -- '*,*' $token; and set head (string replace -r '[^,]*$' '' -- $token)
    # A count is being typed after `type=`: nothing to offer.
    string match -q -- '*=*' (string replace -- $head '' $token); and return 0
    for type in (__tfrun_types)
        printf '%s%s\tprocess type\n' $head $type
    end
    for type in (__tfrun_types) all
        printf '%s%s=\tprocess type with a count\n' $head $type
    end
end

# `tfrun env NAME.N`: the first instance of each type.
function __tfrun_instances
    for type in (__tfrun_types)
        printf '%s.1\tinstance\n' $type
    end
end

# `tfrun run CMD ARGS...`: the arguments are completed as CMD's own completion would complete them.
function __tfrun_run_args
    __tfrun_parse
    set -l tokens (commandline -opc)
    set -l rest (string escape -- $tokens[$__tfrun_run_at..-1])
    complete -C (string join ' ' -- $rest (commandline -ct))
end

# Nothing is a file unless said so below.
complete -c tfrun -f

# Before the subcommand.
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -s h -l help -d 'Print help and exit'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -s v -s V -l version -d 'Display version information and exit'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a start -d 'Run the formation: every process type of the Procfile'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a run -d "Run a one-off command in the app's environment"
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a check -d 'Validate the Procfile, env files and tfrun.toml; show the formation'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a env -d 'Print the environment an instance (or a one-off) would receive'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a export -d 'Write the native files of another process manager'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a version -d "Print tfrun's version"

# Every subcommand.
complete -c tfrun -n '__tfrun_options_for start run check env export version ps restart stop signal scale logs reload attach' -s h -l help -d 'Print help and exit'

# Input options (start run check env export; also before the subcommand).
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach; or __tfrun_options_for start run check env export' -s f -l procfile -r -F -d 'Procfile to read'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach; or __tfrun_options_for start run check env export' -s d -l root -l app-root -x -a '(__fish_complete_directories (commandline -ct))' -d 'App root directory'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach; or __tfrun_options_for start run check env export' -s e -l env -r -F -d 'Env file(s), one per flag, repeatable or comma-separated'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach; or __tfrun_options_for start run check env export' -s p -l port -x -d 'Base port'

# Output options (start run).
complete -c tfrun -n '__tfrun_options_for start run' -s t -l timeout -x -d 'Grace period before SIGKILL (seconds)'
complete -c tfrun -n '__tfrun_options_for start run' -l color -x -a 'auto always never' -d 'Colour the prefixes (bare: always)'
complete -c tfrun -n '__tfrun_options_for start run' -l no-color -d 'Do not colour the prefixes'
complete -c tfrun -n '__tfrun_options_for start run' -l no-colour -d 'Do not colour the prefixes'
complete -c tfrun -n '__tfrun_options_for start' -s q -l quiet -x -a '(__tfrun_types)' -d 'Hide the output of these types'
complete -c tfrun -n '__tfrun_options_for start' -l no-terminal-hints -d 'Give the children no PYTHONUNBUFFERED, FORCE_COLOR or CLICOLOR_FORCE'
complete -c tfrun -n '__tfrun_options_for start' -l pty -d 'Give every instance a pseudo-terminal (for tfrun attach)'
complete -c tfrun -n '__tfrun_options_for start' -l no-pty -d "No pseudo-terminal, whatever tfrun.toml says"
complete -c tfrun -n '__tfrun_options_for start run' -l no-timestamp -d 'Omit the time column'
complete -c tfrun -n '__tfrun_options_for start run' -l no-prefix -d "Print the children's lines without time and name"
complete -c tfrun -n '__tfrun_options_for start run' -l log-format -x -a 'text json' -d 'Log format'
complete -c tfrun -n '__tfrun_options_for start run' -l quiet-period -x -d 'Show a partial line after this much silence'

# Formation (start check env export).
complete -c tfrun -n '__tfrun_options_for start check env export' -s m -l formation -x -a '(__tfrun_specs)' -d 'Formation, e.g. web=2,worker=4 or all=2'
complete -c tfrun -n '__tfrun_options_for start check env export' -s c -l concurrency -x -a '(__tfrun_specs)' -d "Formation (honcho's spelling)"

# start, check: a formation.
complete -c tfrun -n '__tfrun_positional 0+ start check' -a '(__tfrun_specs)'
complete -c tfrun -n '__tfrun_options_for check' -l json -d 'Print the whole resolved model as JSON'
complete -c tfrun -n '__tfrun_options_for check' -l strict -d 'Treat warnings as errors'

# run: a Procfile entry's name or any command, then that command's own arguments.
complete -c tfrun -n '__tfrun_options_for run' -l signal-target -x -a 'group main' -d 'Where forwarded signals go'
complete -c tfrun -n '__tfrun_positional 0 run' -a '(__tfrun_types)' -d 'Process type'
complete -c tfrun -n '__tfrun_positional 0 run' -a '(__fish_complete_command)'
complete -c tfrun -n '__tfrun_parse; test $__tfrun_run_at != 0' -a '(__tfrun_run_args)'

# env: an instance.
complete -c tfrun -n '__tfrun_options_for env' -l json -d 'Print a JSON object'
complete -c tfrun -n '__tfrun_positional 0 env' -a '(__tfrun_instances)'

# export FORMAT DIR [SPEC...]: CLI11 fills positionals in order, so the second one is always DIR.
complete -c tfrun -n '__tfrun_positional 0 export' -a 'systemd supervisord runit launchd kubernetes compose' -d 'Format'
complete -c tfrun -n '__tfrun_positional 1 export' -a '(__fish_complete_directories (commandline -ct))'
complete -c tfrun -n '__tfrun_positional 2+ export' -a '(__tfrun_specs)'
complete -c tfrun -n '__tfrun_options_for export' -s t -l timeout -x -d 'Grace period before SIGKILL (seconds)'
complete -c tfrun -n '__tfrun_options_for export' -s a -l app -x -d "App name (default: the root folder's name)"
complete -c tfrun -n '__tfrun_options_for export' -s u -l user -x -a '(__fish_complete_users)' -d 'User the processes run as'
complete -c tfrun -n '__tfrun_options_for export' -s l -l log -x -a '(__fish_complete_directories (commandline -ct))' -d 'Log directory'
complete -c tfrun -n '__tfrun_options_for export' -s r -l run -x -a '(__fish_complete_directories (commandline -ct))' -d "foreman's pid directory: accepted, not used"
complete -c tfrun -n '__tfrun_options_for export' -l image -x -d 'Container image (kubernetes, compose)'
complete -c tfrun -n '__tfrun_options_for export' -l secret -x -d 'Env keys to put in a Secret, glob (kubernetes)'
complete -c tfrun -n '__tfrun_options_for export' -l port-type -x -a '(__tfrun_types)' -d 'Types that bind $PORT'
complete -c tfrun -n '__tfrun_options_for export' -l user-units -d 'Systemd units for systemctl --user'
complete -c tfrun -n '__tfrun_options_for export' -s n -l dry-run -d 'Print the files instead of writing them'

# Live control of the formation running here (docs/control.md): names from `tfrun ps --json`.
function __tfrun_control_names
    set -l names (command tfrun ps --json 2>/dev/null | string replace -rf '^\{"kind":"instance","name":"([^"]*)".*' '$1')
    if test (count $names) -gt 0
        printf '%s\n' $names
        printf '%s\n' $names | string replace -r '\.[0-9]+$' '' | sort -u
    else
        __tfrun_types
    end
end
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a ps -d 'List the instances of the formation running here'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a restart -d 'Restart instances (all when none is named)'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a stop -d 'Stop instances (all when none is named)'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a signal -d 'Send a signal to instances'
complete -c tfrun -n '__fish_seen_subcommand_from ps restart stop signal' -f -a '(__tfrun_control_names)'
complete -c tfrun -n '__fish_seen_subcommand_from ps' -l json -d 'One JSON object per instance'
complete -c tfrun -n '__fish_seen_subcommand_from start ps restart stop signal' -l socket -r -d 'Control socket'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a scale -d 'Change how many instances of each type run'
complete -c tfrun -n '__fish_seen_subcommand_from scale' -f -a '(__tfrun_specs)'
complete -c tfrun -n '__fish_seen_subcommand_from scale' -l socket -r -d 'Control socket'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a logs -d 'The last lines of instances, then with -f every new one'
complete -c tfrun -n '__fish_seen_subcommand_from logs' -f -a '(__tfrun_control_names)'
complete -c tfrun -n '__fish_seen_subcommand_from logs' -s f -l follow -d 'Keep printing new lines'
complete -c tfrun -n '__fish_seen_subcommand_from logs' -s n -l lines -x -d 'Recent lines per instance'
complete -c tfrun -n '__fish_seen_subcommand_from logs' -l socket -r -d 'Control socket'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a reload -d 'Read the files again; restart only the types that changed'
complete -c tfrun -n '__fish_seen_subcommand_from reload' -l socket -r -d 'Control socket'
complete -c tfrun -n 'not __fish_seen_subcommand_from start run check env export version ps restart stop signal scale logs reload attach' -a attach -d "Connect this terminal to an instance's (start --pty); Ctrl-] detaches"
complete -c tfrun -n '__fish_seen_subcommand_from attach' -f -a '(__tfrun_control_names)'
complete -c tfrun -n '__fish_seen_subcommand_from attach' -l socket -r -d 'Control socket'
