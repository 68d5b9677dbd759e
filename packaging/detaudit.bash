# bash completion for detaudit (installed to share/bash-completion/completions/detaudit).
#
# Subcommands, each one's flags and the choices a flag lists ({auto,always,never}) are read from the
# program's own --help each time, so the completion follows the detaudit being completed and never
# drifts from it. Words that are not flags (scenarios, reports, arrays) and flag values without
# listed choices complete as file names.

# The options in one --help text, one per line: "NAME VALUE CHOICES" where VALUE is 0 for a flag,
# 1 for an option that takes a value (a file name, unless CHOICES lists them: its {a,b} as a,b, else
# -), 2 for one that takes a number (nothing to complete).
_detaudit_options() {
    awk '
        /^[^ ]/ { in_options = ($0 ~ /^Options:/); next }
        in_options && /^  -/ {
            # "NAMES [TYPE]", then the description from column 30 (CLI11), or after two spaces, or
            # on the next line when NAMES [TYPE] is longer.
            if (length($0) > 30 && substr($0, 30, 1) == " " && substr($0, 31, 1) != " ") {
                names = substr($0, 3, 27)
            } else {
                names = substr($0, 3)
                if (match(names, /  +/)) names = substr(names, 1, RSTART - 1)
            }
            n = split(names, words, " ")
            takes_value = (n > 1) ? 1 : 0
            choices = "-"
            if (match(names, /\{[^}]*\}/)) choices = substr(names, RSTART + 1, RLENGTH - 2)
            if (takes_value && words[2] ~ /^(INT|UINT|FLOAT|NUMBER|N|X)([:[]|$)/) takes_value = 2
            count = split(words[1], aliases, ",")
            for (i = 1; i <= count; i++) print aliases[i], takes_value, choices
        }'
}

# The subcommand names in the top-level --help text.
_detaudit_subcommands() {
    awk '/^[^ ]/ { in_list = ($0 ~ /^Subcommands:/); next } in_list && /^  [^ -]/ { print $1 }'
}

_detaudit() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local program=${COMP_WORDS[0]/#\~/$HOME}
    command -v -- "$program" >/dev/null 2>&1 || return 0
    # --flag=value: readline splits at "=", so "--flag" "=" "value" arrive as three words.
    if [[ $cur == "=" ]]; then
        cur=""
    elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    # detaudit's own options take no values, so the first word that is not an option names the
    # subcommand; its --help (one start of the program per completion) fails when it names none.
    local subcommand="" help i
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} != -* ]]; then
            subcommand=${COMP_WORDS[i]}
            break
        fi
    done
    help=$("$program" ${subcommand:+"$subcommand"} --help 2>/dev/null) || return 0
    local options
    options=$(_detaudit_options <<<"$help")

    local name takes_value choices
    if [[ $prev == -* ]]; then
        while read -r name takes_value choices; do
            [[ $name == "$prev" && $takes_value != 0 ]] || continue
            if [[ $takes_value == 2 ]]; then
                COMPREPLY=()
            elif [[ $choices != - ]]; then
                mapfile -t COMPREPLY < <(compgen -W "${choices//,/ }" -- "$cur")
            else
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            fi
            return 0
        done <<<"$options"
    fi
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(cut -d' ' -f1 <<<"$options")" -- "$cur")
    elif [[ -z $subcommand ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_detaudit_subcommands <<<"$help")" -- "$cur")
    else
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
    return 0
}

complete -F _detaudit detaudit
