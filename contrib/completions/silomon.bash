# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for silomon(8), the conmon-compatible container monitor.
# Installed as share/bash-completion/completions/silomon.

_silomon_opts="--api-version -b --bundle -c --cid -P --conmon-pidfile -p --container-pidfile --pidfile -u --cuuid -e --exec --exec-attach --exec-process-spec --exit-command --exit-command-arg --exit-delay --exit-dir --leave-stdin-open --log-level -l --log-path --log-size-max --log-global-size-max --log-tag --log-label --log-allowlist-dir --log-rotate --log-max-files --no-container-partial-message -n --name --no-new-keyring --no-pivot --no-sync-log -0 --persist-dir --replace-listen-pid --restore --restore-arg -r --runtime --runtime-arg --runtime-opt --sdnotify-socket --socket-dir-path -i --stdin --sync --syslog -s --systemd-cgroup -t --terminal -T --timeout --version --full-attach --seccomp-notify-socket --seccomp-notify-plugins -h --help"

_silomon()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=""
	COMPREPLY=()
	if [[ $cur == "=" ]]; then
		cur=""
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	elif ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == "=" ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif ((COMP_CWORD >= 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	fi

	case $prev in
	-b | --bundle | --exit-dir | -0 | --persist-dir | --socket-dir-path | --log-allowlist-dir | --restore)
		if declare -F _filedir >/dev/null 2>&1; then _filedir -d; else COMPREPLY=($(compgen -d -- "$cur")); fi
		return
		;;
	-P | --conmon-pidfile | -p | --container-pidfile | --pidfile | --exec-process-spec | --exit-command | -r | --runtime | --sdnotify-socket | --seccomp-notify-socket)
		if declare -F _filedir >/dev/null 2>&1; then _filedir; else COMPREPLY=($(compgen -f -- "$cur")); fi
		return
		;;
	--log-level)
		COMPREPLY=($(compgen -W "error warn warning info debug trace" -- "$cur"))
		return
		;;
	-l | --log-path)
		COMPREPLY=($(compgen -W "k8s-file: journald passthrough none" -- "$cur"))
		[[ ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2>/dev/null
		return
		;;
	-c | --cid | -u | --cuuid | -n | --name | --exit-command-arg | --exit-delay | --log-size-max | --log-global-size-max | --log-tag | --log-label | --log-max-files | --restore-arg | --runtime-arg | --runtime-opt | -T | --timeout | --seccomp-notify-plugins)
		return
		;;
	esac
	COMPREPLY=($(compgen -W "$_silomon_opts" -- "$cur"))
}

complete -F _silomon silomon
