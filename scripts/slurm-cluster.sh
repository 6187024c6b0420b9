#!/usr/bin/env bash
# A local Slurm 22.05 cluster on one Debian/Ubuntu machine, for Roost's tests and demo (needs root).
#
#   scripts/slurm-cluster.sh up [--nodes N] [--cpus C] [--accounting]
#                                                        install (apt), configure and start; idempotent
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
# default 3 s scheduling tick. Without --accounting there is no slurmdbd: job outcomes come from squeue/scontrol and
# the worker's files. With --accounting, slurmdbd keeps job records in the local MariaDB (installed when missing) so
# `sacct` answers for jobs slurmctld has forgotten (MinJobAge), as on a production cluster.
set -euo pipefail
trap 'echo "slurm-cluster: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
STATE=/var/spool/slurmctld
SPOOL=/var/spool/slurmd
LOGDIR=/var/log/slurm
RUNDIR=/run/slurm
NODES=1
CPUS=8
ACCOUNTING=0
DBD_CONF=$CONF_DIR/slurmdbd.conf

die() { echo "slurm-cluster: $*" >&2; exit 1; }
note() { echo "slurm-cluster: $*"; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"; }

install_packages() {
  local missing=()
  local pkgs=(slurmctld slurmd slurm-client munge)
  if [ "$ACCOUNTING" = 1 ]; then
    pkgs+=(slurmdbd)
    # A MariaDB that already runs here (the usual case on this project's machines) is used as it is.
    db_ping || pkgs+=(mariadb-server)
  fi
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
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

db_ping() { command -v mariadb >/dev/null 2>&1 && mariadb -uroot -e 'SELECT 1' >/dev/null 2>&1; }

start_mariadb() {
  db_ping && return
  install -d -o mysql -g mysql -m 0755 /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 100); do db_ping && return; sleep 0.2; done
  die "MariaDB did not start (needed by slurmdbd for --accounting)"
}

# slurmdbd.conf: a password of its own for the `slurm` database user, kept across runs (the file is the record).
write_dbd_conf() {
  local pass
  pass=$(sed -n 's/^StoragePass=//p' "$DBD_CONF" 2>/dev/null || true)
  [ -n "$pass" ] || pass=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  mariadb -uroot -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$pass';
    ALTER USER 'slurm'@'localhost' IDENTIFIED BY '$pass';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
  umask 077
  cat > "$DBD_CONF.new" <<DBDEOF
# Written by Roost's scripts/slurm-cluster.sh --accounting.
AuthType=auth/munge
DbdHost=localhost
SlurmUser=slurm
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageLoc=slurm_acct_db
StorageUser=slurm
StoragePass=$pass
PidFile=$RUNDIR/slurmdbd.pid
LogFile=$LOGDIR/slurmdbd.log
DBDEOF
  umask 022
  chown slurm:slurm "$DBD_CONF.new" && chmod 0600 "$DBD_CONF.new"
  if [ -f "$DBD_CONF" ] && cmp -s "$DBD_CONF" "$DBD_CONF.new"; then rm -f "$DBD_CONF.new"; return; fi
  mv "$DBD_CONF.new" "$DBD_CONF"
  pkill -f '^/usr/sbin/slurmdbd' 2>/dev/null || true
  for _ in $(seq 1 50); do pgrep -f '^/usr/sbin/slurmdbd' >/dev/null || break; sleep 0.1; done
}

start_dbd() {
  if ! pgrep -f '^/usr/sbin/slurmdbd' >/dev/null 2>&1; then /usr/sbin/slurmdbd; fi
  for _ in $(seq 1 150); do sacctmgr -n -P show cluster format=cluster >/dev/null 2>&1 && break; sleep 0.2; done
  sacctmgr -n -P show cluster format=cluster >/dev/null 2>&1 || die "slurmdbd did not come up; see $LOGDIR/slurmdbd.log"
  # slurmctld registers with slurmdbd only when its cluster exists there.
  sacctmgr -n -P show cluster format=cluster | grep -qx roost || sacctmgr -i add cluster roost >/dev/null
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
$(if [ "$ACCOUNTING" = 1 ]; then printf 'AccountingStorageType=accounting_storage/slurmdbd\nAccountingStorageHost=localhost'; else printf 'AccountingStorageType=accounting_storage/none'; fi)
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
  # A slurmctld that is still saving its state after a stop looks running but will not answer: wait for it to go.
  for _ in $(seq 1 300); do
    ctld_running || break
    scontrol ping 2>/dev/null | grep -q 'is UP' && return
    sleep 0.1
  done
  ctld_running && die "slurmctld runs but does not answer; see $LOGDIR/slurmctld.log"
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
      state=$(sinfo -h -N -n "$n" -o '%t' 2>/dev/null | head -1 || true)
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
  pkill -f '^/usr/sbin/slurmdbd' 2>/dev/null || true
  # slurmctld saves its state before it exits: seconds with a few hundred jobs.
  for _ in $(seq 1 300); do pgrep -f '^/usr/sbin/slurm(ctld|d|dbd)' >/dev/null || break; sleep 0.1; done
}

cmd=${1:-}
shift || true
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) NODES=$2; shift 2 ;;
    --cpus) CPUS=$2; shift 2 ;;
    --accounting) ACCOUNTING=1; shift ;;
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
    if [ "$ACCOUNTING" = 1 ]; then
      start_mariadb
      write_dbd_conf
      start_dbd
    fi
    start_ctld
    for n in $(node_names); do start_node "$n"; done
    wait_nodes_idle
    note "up: $(sinfo -h -o '%D node(s) %t' | tr '\n' ' ')$([ "$ACCOUNTING" = 1 ] && echo '; accounting: slurmdbd')"
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
    for _ in $(seq 1 300); do ctld_running || break; sleep 0.1; done
    ;;
  start-controller)
    need_root
    start_ctld
    ;;
  restart-controller)
    need_root
    pkill -f '^/usr/sbin/slurmctld' 2>/dev/null || pkill -x slurmctld || true
    for _ in $(seq 1 300); do ctld_running || break; sleep 0.1; done
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
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
