#!/usr/bin/env bash
# Start or stop a one-node SLURM cluster on localhost for the tests (no systemd needed).
#   scripts/slurm-local.sh start DIR   write DIR/slurm.conf (+ gres.conf with one fake GPU),
#                                      link it to /etc/slurm/, start munged, slurmctld, slurmd
#   scripts/slurm-local.sh stop DIR    stop exactly the processes started, remove the links
# Needs root and Debian's slurm-wlm and munge (scripts/ensure-slurm.sh installs them).
set -euo pipefail
cmd=${1:?start|stop}
dir=$(realpath -m "${2:?DIR}")
case "$cmd" in
start)
    mkdir -p "$dir"/{state,spool,log}
    host=$(hostname)
    cpus=$(nproc)
    cat > "$dir/slurm.conf" <<CONF
ClusterName=epipairtest
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=6917
SlurmdPort=6918
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
GresTypes=gpu
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=8000 Gres=gpu:1 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    # one GPU with no real device behind it: enough for SLURM to accept and schedule --gres=gpu:1
    echo "NodeName=localhost Name=gpu Count=1 File=/dev/null" > "$dir/gres.conf"
    mkdir -p /etc/slurm
    for f in slurm.conf gres.conf; do
        if [ -e "/etc/slurm/$f" ] && [ ! -L "/etc/slurm/$f" ]; then
            mv "/etc/slurm/$f" "$dir/$f.orig"
        fi
        ln -sf "$dir/$f" "/etc/slurm/$f"
    done
    mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
    [ -s /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
    if ! { munge -n | unmunge; } >/dev/null 2>&1; then
        runuser -u munge -- /usr/sbin/munged 2>>"$dir/log/munged.log"
        # no working munged before, so this one is ours: remember its pid to stop exactly it
        cp /run/munge/munged.pid "$dir/munged.pid"
    fi
    /usr/sbin/slurmctld
    /usr/sbin/slurmd -N localhost
    for _ in $(seq 1 60); do
        if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
            sinfo; exit 0
        fi
        sleep 0.5
    done
    echo "slurm did not come up; logs in $dir/log" >&2
    exit 1
    ;;
stop)
    pids=()
    for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munged.pid"; do
        [ -s "$pidfile" ] && pids+=("$(cat "$pidfile")")
    done
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    # wait for them to go, then make sure
    for _ in $(seq 1 20); do
        alive=0
        for pid in "${pids[@]}"; do
            if [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then alive=1; fi
        done
        [ "$alive" = 0 ] && break
        sleep 0.5
    done
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    for f in slurm.conf gres.conf; do
        if [ -L "/etc/slurm/$f" ] && [ "$(readlink "/etc/slurm/$f")" = "$dir/$f" ]; then
            rm -f "/etc/slurm/$f"
            [ -e "$dir/$f.orig" ] && mv "$dir/$f.orig" "/etc/slurm/$f"
        fi
    done
    ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
