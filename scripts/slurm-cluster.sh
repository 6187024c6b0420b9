#!/usr/bin/env bash
# A local Slurm 22.05 cluster on one Debian/Ubuntu machine, for Roost's tests and demo (needs root).
#
#   scripts/slurm-cluster.sh up [--nodes N] [--cpus C]   install (apt), configure and start; idempotent
#   scripts/slurm-cluster.sh down                        stop every daemon
#   scripts/slurm-cluster.sh status                      controller and nodes
#   scripts/slurm-cluster.sh restart-controller          restart slurmctld (state is kept)
#   scripts/slurm-cluster.sh stop-controller             stop slurmctld (an outage; jobs keep running)
#   scripts/slurm-cluster.sh start-controller            start slurmctld again and wait until it answers
#   scripts/slurm-cluster.sh kill-node NAME              kill one node's slurmd (its jobs keep running)
#   scripts/slurm-cluster.sh start-node NAME             start one node's slurmd again, wait until it is usable
#
# Every node is a `slurmd -N <name>` on this machine with its own port (17001, 17002, …). Nodes declare C CPUs
# each (default 8, over-committing the real cores) so functional tests can run many small jobs at once.
# Settings follow the project's Slurm notes: no cgroups (proctrack/linuxproc, task/none), munge authentication,
# test-friendly timeouts, and SchedulerParameters=batch_sched_delay=0 so jobs start within ~1 s instead of the
# default 3 s scheduling tick. No slurmdbd: job outcomes come from squeue/scontrol and the worker's files.
set -euo pipefail

CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
STATE=/var/spool/slurmctld
SPOOL=/var/spool/slurmd
LOGDIR=/var/log/slurm
RUNDIR=/run/slurm
NODES=1
CPUS=8

die() { echo "slurm-cluster: $*" >&2; exit 1; }
note() { echo "slurm-cluster: $*"; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"; }

install_packages() {
  local missing=()
  for p in slurmctld slurmd slurm-client munge; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null || die "apt-get not found: Debian or Ubuntu is required"
    note "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

start_munge() {
  install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
  install -d -o munge -g munge -m 0755 /run/munge
  if [ ! -s /etc/munge/munge.key ]; then
    if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key; else dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; fi
  fi
  chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return; fi
  pkill -x munged 2>/dev/null || true
  rm -f /run/munge/munge.socket.2 /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return; sleep 0.1; done
  die "munged did not start"
}

node_names() { local i; for i in $(seq 1 "$NODES"); do printf 'n%d ' "$i"; done; }

write_conf() {
  local host mem real
  host=$(hostname -s)
  real=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
  [ -n "$real" ] || real=2048
  # Declaring more memory than slurmd detects drains the node; stay at ~90 % split across the nodes.
  mem=$(( real * 9 / 10 / NODES ))
  mkdir -p "$CONF_DIR"
  cat > "$CONF.new" <<CONFEOF
# Written by Roost's scripts/slurm-cluster.sh ($NODES node(s), $CPUS CPUs each) — a test/demo cluster on one machine.
ClusterName=roost
SlurmctldHost=$host
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$STATE
SlurmdSpoolDir=$SPOOL/%n
SlurmctldPidFile=$RUNDIR/slurmctld.pid
SlurmdPidFile=$RUNDIR/slurmd-%n.pid
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
SlurmdParameters=config_overrides
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=5
JobAcctGatherParams=OverMemoryKill
ReturnToService=2
JobRequeue=1
SlurmdTimeout=10
SlurmctldTimeout=30
MessageTimeout=10
KillWait=5
MinJobAge=300
SchedulerParameters=batch_sched_delay=0,default_queue_depth=1000,bf_interval=5
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOGDIR/jobcomp.log
NodeName=n[1-$NODES] NodeHostname=$host NodeAddr=127.0.0.1 Port=[17001-$((17000 + NODES))] CPUs=$CPUS RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=n[1-$NODES] Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONFEOF
  if [ -f "$CONF" ] && cmp -s "$CONF" "$CONF.new"; then rm -f "$CONF.new"; return 1; fi
  mv "$CONF.new" "$CONF"
  chmod 0644 "$CONF"
  return 0
}

prepare_dirs() {
  install -d -o slurm -g slurm -m 0755 "$STATE" "$LOGDIR" "$RUNDIR"
  touch "$LOGDIR/jobcomp.log" && chown slurm:slurm "$LOGDIR/jobcomp.log"
  local n
  for n in $(node_names); do install -d -m 0755 "$SPOOL/$n"; done
}

ctld_running() { pgrep -x slurmctld >/dev/null 2>&1 || pgrep -f '^/usr/sbin/slurmctld' >/dev/null 2>&1; }
slurmd_pid() { pgrep -f "slurmd(-wlm)? -N $1( |\$)" | head -1; }

start_ctld() {
  if ctld_running; then return; fi
  /usr/sbin/slurmctld
  for _ in $(seq 1 100); do scontrol ping 2>/dev/null | grep -q 'is UP' && return; sleep 0.1; done
  die "slurmctld did not come up; see $LOGDIR/slurmctld.log"
}

start_node() {
  local n=$1
  [ -n "$(slurmd_pid "$n")" ] && return
  install -d -m 0755 "$SPOOL/$n"
  /usr/sbin/slurmd -N "$n"
}

wait_nodes_idle() {
  local n state
  for _ in $(seq 1 150); do
    local ok=1
    for n in $(node_names); do
      state=$(sinfo -h -N -n "$n" -o '%t' 2>/dev/null | head -1)
      case "$state" in
        idle|mix|alloc|comp) ;;
        down*|drain*|drng*|fail*) scontrol update nodename="$n" state=resume >/dev/null 2>&1 || true; ok=0 ;;
        *) ok=0 ;;
      esac
    done
    [ "$ok" = 1 ] && return
    sleep 0.2
  done
  sinfo -N >&2 || true
  die "nodes did not become idle; see $LOGDIR/slurmd-*.log"
}

stop_all() {
  pkill -f '^/usr/sbin/slurmd' 2>/dev/null || true
  pkill -x slurmd 2>/dev/null || true
  pkill -f '^/usr/sbin/slurmctld' 2>/dev/null || true
  pkill -x slurmctld 2>/dev/null || true
  for _ in $(seq 1 50); do pgrep -f '^/usr/sbin/slurm(ctld|d)' >/dev/null || break; sleep 0.1; done
}

cmd=${1:-}
shift || true
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) NODES=$2; shift 2 ;;
    --cpus) CPUS=$2; shift 2 ;;
    *) break ;;
  esac
done

case "$cmd" in
  up)
    need_root
    [[ "$NODES" =~ ^[1-9][0-9]?$ ]] || die "--nodes must be 1–99"
    install_packages
    start_munge
    prepare_dirs
    if write_conf; then
      note "configuration written ($NODES node(s)); (re)starting daemons"
      stop_all
    fi
    start_ctld
    for n in $(node_names); do start_node "$n"; done
    wait_nodes_idle
    note "up: $(sinfo -h -o '%D node(s) %t' | tr '\n' ' ')"
    ;;
  down)
    need_root
    stop_all
    note "stopped"
    ;;
  status)
    if scontrol ping 2>/dev/null | grep -q 'is UP'; then sinfo -N -o '%N %t %c %m'; else echo "slurmctld is not running"; exit 1; fi
    ;;
  stop-controller)
    need_root
    pkill -f '^/usr/sbin/slurmctld' 2>/dev/null || pkill -x slurmctld || true
    for _ in $(seq 1 50); do ctld_running || break; sleep 0.1; done
    ;;
  start-controller)
    need_root
    start_ctld
    ;;
  restart-controller)
    need_root
    pkill -f '^/usr/sbin/slurmctld' 2>/dev/null || pkill -x slurmctld || true
    for _ in $(seq 1 50); do ctld_running || break; sleep 0.1; done
    start_ctld
    ;;
  kill-node)
    need_root
    [ -n "${1:-}" ] || die "kill-node NAME"
    pid=$(slurmd_pid "$1"); [ -n "$pid" ] && kill -9 "$pid"
    ;;
  start-node)
    need_root
    [ -n "${1:-}" ] || die "start-node NAME"
    start_node "$1"
    # ReturnToService=2 brings a node that was DOWN back by itself once slurmd registers; resume it otherwise.
    for _ in $(seq 1 100); do
      case "$(sinfo -h -N -n "$1" -o '%t' 2>/dev/null | head -1)" in
        idle|mix|alloc|comp) exit 0 ;;
        down*|drain*|drng*|fail*) scontrol update nodename="$1" state=resume >/dev/null 2>&1 || true ;;
      esac
      sleep 0.2
    done
    die "node $1 did not become usable; see $LOGDIR/slurmd-$1.log"
    ;;
  *)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
