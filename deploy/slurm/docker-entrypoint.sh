#!/bin/sh
# Entry point of Roost's Slurm image (deploy/Dockerfile, target `slurm`): installs the munge key from the compose
# secret, then runs one daemon in the foreground so the container lives and dies with it.
#
#   munged      only munged (the socket the Roost containers share through a volume)
#   slurmctld   munged in the background, then slurmctld
#   slurmd      munged in the background, then slurmd (node name = the container's host name)
#   anything else is executed as given
set -eu

install_key() {
  if [ -f /run/secrets/munge_key ]; then
    install -o munge -g munge -m 0400 /run/secrets/munge_key /etc/munge/munge.key
  fi
  [ -s /etc/munge/munge.key ] || { echo "no munge key: give the munge_key secret (see deploy/README.md)" >&2; exit 1; }
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
}

background_munged() {
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 1 50); do munge -n | unmunge >/dev/null 2>&1 && return; sleep 0.1; done
  echo "munged did not start" >&2
  exit 1
}

case "${1:-}" in
  munged)
    install_key
    exec runuser -u munge -- /usr/sbin/munged --foreground
    ;;
  slurmctld)
    install_key
    background_munged
    install -d -o slurm -g slurm -m 0755 /var/spool/slurmctld
    exec /usr/sbin/slurmctld -D
    ;;
  slurmd)
    install_key
    background_munged
    install -d -m 0755 /var/spool/slurmd
    exec /usr/sbin/slurmd -D
    ;;
  *)
    exec "$@"
    ;;
esac
