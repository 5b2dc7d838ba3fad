/**
 * The shell scripts `kubectl completion bash|zsh` prints. They ask the CLI itself what fits: each
 * TAB runs `<cli> __complete -- <words before the cursor> <word at the cursor>`, which prints one
 * candidate per line and then `:<directive>` (cobra's protocol: 1 error, 2 no space, 4 no file
 * completion). The same script serves `kubectl`, `k8ts-kubectl` and `k8ts kubectl`.
 */

export const bashScript = `# bash completion for kubectl (k8ts)                    -*- shell-script -*-
# Load with:  source <(kubectl completion bash)

__k8ts_kubectl_complete() {
    local cur cword
    local -a words cmd args out
    COMPREPLY=()
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        _get_comp_words_by_ref -n "=:" cur words cword
    else
        cur="\${COMP_WORDS[COMP_CWORD]}"
        words=("\${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi
    cmd=("\${words[0]}")
    args=("\${words[@]:1:cword-1}")
    if [[ "\${words[0]##*/}" == k8ts ]]; then
        if [[ $cword -eq 1 ]]; then
            COMPREPLY=($(compgen -W "kubectl" -- "$cur"))
            return
        fi
        [[ "\${words[1]}" == kubectl ]] || return
        cmd+=(kubectl)
        args=("\${words[@]:2:cword-2}")
    fi

    local line directive=0
    while IFS= read -r line; do
        if [[ "$line" == :* ]]; then
            directive="\${line#:}"
        elif [[ -n "$line" && "$line" == "$cur"* ]]; then
            out+=("\${line%%$'\\t'*}")
        fi
    done < <("\${cmd[@]}" __complete -- "\${args[@]}" "$cur" 2>/dev/null)

    if (( directive & 1 )); then
        return
    fi
    if (( directive & 2 )); then
        compopt -o nospace 2>/dev/null
    fi
    if [[ \${#out[@]} -eq 0 ]]; then
        if (( directive & 4 )); then
            compopt +o default 2>/dev/null
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return
    fi
    COMPREPLY=("\${out[@]}")
}

complete -o default -F __k8ts_kubectl_complete kubectl k8ts-kubectl k8ts
`;

export const zshScript = `#compdef kubectl k8ts-kubectl k8ts
# zsh completion for kubectl (k8ts)
# Load with:  source <(kubectl completion zsh)

_k8ts_kubectl() {
    local cur=\${words[CURRENT]} directive=0 line
    local -a cmd args out lines
    cmd=(\${words[1]})
    args=("\${(@)words[2,CURRENT-1]}")
    if [[ \${words[1]:t} == k8ts ]]; then
        if (( CURRENT == 2 )); then
            compadd -- kubectl
            return
        fi
        [[ \${words[2]} == kubectl ]] || return 1
        cmd+=(kubectl)
        args=("\${(@)words[3,CURRENT-1]}")
    fi
    lines=("\${(@f)$("\${cmd[@]}" __complete -- "\${args[@]}" "$cur" 2>/dev/null)}")
    for line in "\${lines[@]}"; do
        if [[ $line == :* ]]; then
            directive=\${line#:}
        elif [[ -n $line ]]; then
            out+=("\${line%%$'\\t'*}")
        fi
    done
    (( directive & 1 )) && return 1
    if (( \${#out} == 0 )); then
        (( directive & 4 )) && return 1
        _files
        return
    fi
    if (( directive & 2 )); then
        compadd -S '' -- "\${out[@]}"
    else
        compadd -- "\${out[@]}"
    fi
}

if [[ "\${funcstack[1]}" == _k8ts_kubectl ]]; then
    _k8ts_kubectl "$@"
else
    compdef _k8ts_kubectl kubectl k8ts-kubectl k8ts
fi
`;
