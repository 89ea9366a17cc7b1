# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for silo(8), the OCI runtime.
# Installed as share/bash-completion/completions/silo; works with or without the
# bash-completion package. Container ids come from `silo [--root R] list -q`.

_silo_verbs="create start run exec state kill delete list ps pause resume update events spec features checkpoint restore"
_silo_global_opts="--root --log --log-format --log-level --debug --systemd-cgroup --cgroup-manager --rootless --criu -v --version -h --help"
# global options that take a value
_silo_global_argopts="--root --log --log-format --log-level --cgroup-manager --rootless --criu"

# _silo_opts VERB: the options of VERB; _silo_argopts VERB: those taking a value.
_silo_opts()
{
	case $1 in
	create) echo "-b --bundle --config --pid-file --console-socket --pidfd-socket --no-pivot --no-new-keyring --preserve-fds" ;;
	run) echo "-b --bundle --config --pid-file --console-socket --pidfd-socket --no-pivot --no-new-keyring --preserve-fds -d --detach --no-subreaper --keep" ;;
	exec) echo "-p --process -d --detach -t --tty --console-socket --pidfd-socket --pid-file -w --cwd -e --env -u --user -g --additional-gids -c --cap --no-new-privs --process-label --apparmor --preserve-fds --cgroup --ignore-paused" ;;
	kill) echo "-a --all" ;;
	delete) echo "-f --force" ;;
	list) echo "-f --format -q --quiet" ;;
	ps) echo "-f --format" ;;
	update) echo "-r --resources --memory --memory-reservation --memory-swap --kernel-memory --kernel-memory-tcp --cpu-period --cpu-quota --cpu-burst --cpu-share --cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --pids-limit --blkio-weight --l3-cache-schema --mem-bw-schema" ;;
	events) echo "--stats --interval" ;;
	spec) echo "-b --bundle --rootless" ;;
	checkpoint) echo "--image-path --work-path --parent-path --leave-running --tcp-established --ext-unix-sk --shell-job --file-locks --pre-dump --auto-dedup --manage-cgroups-mode -h --help" ;;
	restore) echo "-b --bundle --image-path --work-path -d --detach --pid-file --console-socket --no-subreaper --no-pivot --no-new-keyring --tcp-established --ext-unix-sk --shell-job --file-locks --auto-dedup --manage-cgroups-mode --lsm-profile --lsm-mount-context -h --help" ;;
	esac
}

_silo_argopts()
{
	case $1 in
	create | run) echo "-b --bundle --config --pid-file --console-socket --pidfd-socket --preserve-fds" ;;
	exec) echo "-p --process --console-socket --pidfd-socket --pid-file -w --cwd -e --env -u --user -g --additional-gids -c --cap --process-label --apparmor --preserve-fds --cgroup" ;;
	list | ps) echo "-f --format" ;;
	update) _silo_opts update ;;
	events) echo "--interval" ;;
	spec) echo "-b --bundle" ;;
	checkpoint) echo "--image-path --work-path --parent-path --manage-cgroups-mode" ;;
	restore) echo "-b --bundle --image-path --work-path --pid-file --console-socket --manage-cgroups-mode --lsm-profile --lsm-mount-context" ;;
	esac
}

_silo_has_word() # WORD LIST...
{
	local w=$1 x
	shift
	for x in $*; do
		[[ $x == "$w" ]] && return 0
	done
	return 1
}

_silo_files() # [-d]
{
	if declare -F _filedir >/dev/null 2>&1; then
		_filedir $1
	else
		local IFS=$'\n'
		if [[ $1 == -d ]]; then
			COMPREPLY=($(compgen -d -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
	fi
}

_silo_ids()
{
	local ids
	ids=$("$silo" ${root:+--root "$root"} list -q 2>/dev/null)
	COMPREPLY=($(compgen -W "$ids" -- "$cur"))
}

_silo_signals()
{
	# the names silo kill parses (glibc's sigabbrev_np: ABRT not IOT, POLL not IO), any
	# case, with or without SIG; numbers work too
	local sigs="HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH POLL PWR SYS" i s
	for ((i = 1; i <= 15; i++)); do sigs="$sigs RTMIN+$i"; done
	if [[ $cur == [Ss][Ii][Gg]* ]]; then
		for s in $sigs; do echo "SIG$s"; done
	else
		echo "$sigs"
	fi
}

_silo()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev="" silo=${COMP_WORDS[0]}
	local root="" verb="" verb_at=0 i w
	COMPREPLY=()
	command -v -- "$silo" >/dev/null 2>&1 || silo=silo

	# `--opt=value` is split by COMP_WORDBREAKS into `--opt` `=` `value`
	if [[ $cur == "=" ]]; then
		cur=""
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	elif ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == "=" ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif ((COMP_CWORD >= 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	fi

	# Global options up to the verb.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--root=*) root=${w#--root=} ;;
		--*=*) ;;
		-*)
			if _silo_has_word "$w" $_silo_global_argopts; then
				((i++))
				[[ ${COMP_WORDS[i]} == "=" ]] && ((i++))
				[[ $w == --root ]] && root=${COMP_WORDS[i]}
			fi
			;;
		*)
			verb=$w
			verb_at=$i
			break
			;;
		esac
	done
	# tilde-expand the root for `list -q`
	[[ $root == "~"* ]] && root=$HOME${root#\~}

	if [[ -z $verb ]]; then
		case $prev in
		--root) _silo_files -d; return ;;
		--log | --criu) _silo_files; return ;;
		--log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
		--log-level) COMPREPLY=($(compgen -W "debug info warning error" -- "$cur")); return ;;
		--cgroup-manager) COMPREPLY=($(compgen -W "cgroupfs systemd disabled" -- "$cur")); return ;;
		--rootless) COMPREPLY=($(compgen -W "true false auto" -- "$cur")); return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$_silo_global_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_silo_verbs" -- "$cur"))
		fi
		return
	fi

	# Option values of the verb.
	local argopts
	argopts=$(_silo_argopts "$verb")
	if _silo_has_word "$prev" $argopts; then
		case $prev in
		-b | --bundle | --image-path | --work-path | --parent-path) _silo_files -d ;;
		--manage-cgroups-mode) COMPREPLY=($(compgen -W "soft full strict ignore" -- "$cur")) ;;
		--config | --pid-file | --console-socket | --pidfd-socket | -p | --process) _silo_files ;;
		-r | --resources) _silo_files ;;
		-f | --format) COMPREPLY=($(compgen -W "table json" -- "$cur")) ;;
		-c | --cap)
			# the capabilities this silo knows (`silo features`)
			COMPREPLY=($(compgen -W "$("$silo" features 2>/dev/null | grep -o 'CAP_[A-Z_]*')" -- "$cur"))
			;;
		-e | --env) COMPREPLY=($(compgen -e -S = -- "$cur")) && compopt -o nospace 2>/dev/null ;;
		--interval) COMPREPLY=($(compgen -W "1s 5s 10s 30s 1m" -- "$cur")) ;;
		esac
		return
	fi

	# Options and positionals after the verb: count positionals so far.
	local npos=0 first_pos=0
	for ((i = verb_at + 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((npos == 0)); then
			if [[ $w == -* ]]; then
				if [[ $w != *=* ]] && _silo_has_word "$w" $argopts; then
					# `--opt value` or `--opt` `=` `value`
					if [[ ${COMP_WORDS[i + 1]} == "=" ]]; then
						((i += 2))
					else
						((i++))
					fi
				fi
				continue
			fi
		fi
		((npos++))
		((npos == 1)) && first_pos=$i
	done

	if ((npos == 0)) && [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_silo_opts "$verb")" -- "$cur"))
		return
	fi
	case $verb in
	start | state | delete | pause | resume | update | events | checkpoint)
		((npos == 0)) && _silo_ids
		;;
	kill)
		if ((npos == 0)); then
			_silo_ids
		elif ((npos == 1)); then
			COMPREPLY=($(compgen -W "$(_silo_signals)" -- "$cur"))
		fi
		;;
	ps)
		((npos == 0)) && _silo_ids
		;;
	exec)
		if ((npos == 0)); then
			_silo_ids
		elif ((npos == 1)) || { ((npos == 2)) && [[ ${COMP_WORDS[first_pos + 1]} == "--" ]]; }; then
			COMPREPLY=($(compgen -c -- "$cur" | sort -u))
		else
			_silo_files
		fi
		;;
	create | run | list | spec | features | restore) ;;
	esac
}

complete -F _silo silo
