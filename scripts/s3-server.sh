#!/usr/bin/env bash
# A throwaway single-node Ceph with radosgw on 127.0.0.1, for the S3 integration tests and
# bench:s3. Everything (config, monitor store, logs, pid files, the env file) lives in one
# data dir, so `stop` removes it all; the OSD keeps its objects in memory (memstore).
#
#   scripts/s3-server.sh start    start it (a no-op when it runs) and print how to use it
#   scripts/s3-server.sh stop     stop the daemons and remove the data dir
#   scripts/s3-server.sh status   exit 0 and print the endpoint when it answers, else exit 1
#
# Environment: LETTERPOD_CEPH_DIR (default /tmp/letterpod-ceph), LETTERPOD_S3_PORT
# (radosgw, default 7480), LETTERPOD_CEPH_MON_PORT (the monitor's msgr2 port, default 3300).
# Needs the Debian packages radosgw ceph-mon ceph-osd ceph-common (installed with apt-get
# when missing and running as root). No systemd: the daemons are started directly and
# fork into the background themselves; their pids are kept in the data dir.
set -euo pipefail

DIR="${LETTERPOD_CEPH_DIR:-/tmp/letterpod-ceph}"
PORT="${LETTERPOD_S3_PORT:-7480}"
MON_PORT="${LETTERPOD_CEPH_MON_PORT:-3300}"
ENDPOINT="http://127.0.0.1:${PORT}"
# A test user with fixed keys: this server only ever listens on loopback and holds test data.
ACCESS_KEY="LETTERPODTESTACCESS1"
SECRET_KEY="letterpod-test-secret-key-not-for-production"
CONF="$DIR/ceph.conf"
MARKER="$DIR/.letterpod-ceph"
# Pid-file names ($name), in stop order: radosgw while the cluster still answers, then the OSD, then the monitor.
DAEMONS=(client.rgw osd.0 mon.a)

log() { echo "s3-server: $*" >&2; }
die() { log "$*"; exit 1; }

ceph_() { ceph -c "$CONF" --connect-timeout 10 "$@"; }

answers_http() { curl -s -o /dev/null --max-time 2 "$ENDPOINT/" 2>/dev/null; }

# A live process (not a zombie left for a parent that does not reap).
alive() { [ -r "/proc/$1/stat" ] && ! awk '{exit !($3 == "Z")}' "/proc/$1/stat" 2>/dev/null; }

# The pid of a daemon of ours from its pid file, when that process is alive and is the daemon.
pid_of() {
  local file="$DIR/run/$1.pid" pid
  [ -s "$file" ] || return 1
  pid="$(cat "$file")"
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$CONF" || return 1
  echo "$pid"
}

running() { [ -f "$MARKER" ] && pid_of client.rgw >/dev/null && pid_of osd.0 >/dev/null && pid_of mon.a >/dev/null && answers_http; }

print_info() {
  cat <<EOF
S3 endpoint: $ENDPOINT (radosgw, Ceph $(ceph --version | awk '{print $3}'), data in $DIR)
Use it with:
  export LETTERPOD_S3_ENDPOINT=$ENDPOINT
  export AWS_ACCESS_KEY_ID=$ACCESS_KEY
  export AWS_SECRET_ACCESS_KEY=$SECRET_KEY
  export AWS_REGION=us-east-1
or: set -a; . $DIR/s3.env; set +a
EOF
}

install_packages() {
  local need=()
  command -v ceph-mon >/dev/null 2>&1 || need+=(ceph-mon)
  command -v ceph-osd >/dev/null 2>&1 || need+=(ceph-osd)
  command -v radosgw >/dev/null 2>&1 || need+=(radosgw)
  command -v ceph >/dev/null 2>&1 && command -v monmaptool >/dev/null 2>&1 || need+=(ceph-common)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  [ ${#need[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${need[*]}; install them with: sudo apt-get update && sudo apt-get install -y ${need[*]}"
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# Wait until `$@` succeeds, at most $1 seconds (polling every 0.2 s).
wait_for() {
  local seconds="$1" what="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out after ${seconds}s waiting for $what (logs: $DIR/log)"
    sleep 0.2
  done
}

osd_up() { ceph_ osd dump 2>/dev/null | grep -q '^osd\.0 up'; }

write_conf() {
  cat >"$CONF" <<EOF
# letterpod throwaway test cluster ($DIR); removed by scripts/s3-server.sh stop
[global]
fsid = $1
mon host = v2:127.0.0.1:$MON_PORT
mon initial members = a
public network = 127.0.0.0/8
# No cephx: loopback only. Without the crc modes the clients loop on auth errors.
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc secure
ms client mode = crc secure
ms cluster mode = crc secure
ms service mode = crc secure
ms bind msgr1 = false
# One OSD: no replication, no redundancy warnings, few PGs.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
mon max pg per osd = 1000
# The data dir is on whatever disk /tmp is; do not warn (or stop) over its free space.
mon data avail warn = 2
mon data avail crit = 1
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
log to stderr = false
err to stderr = false
crash dir = $DIR/crash

[mon]
mon data = $DIR/mon/\$cluster-\$id
mon cluster log file = $DIR/log/cluster.log

[osd]
osd data = $DIR/osd/\$cluster-\$id
osd objectstore = memstore
# memstore keeps objects in RAM; this is the capacity it reports (and enforces).
memstore device bytes = 4294967296
osd max object name len = 256
osd max object namespace len = 64

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $DIR/rgw
rgw dns name = 127.0.0.1
rgw enable usage log = false
rgw thread pool size = 64
EOF
}

start() {
  if running; then
    print_info
    return 0
  fi
  install_packages
  # Left over from a crash or a half-started run: clear it first.
  if [ -e "$DIR" ]; then stop_quietly; fi
  if answers_http; then die "something else already answers on $ENDPOINT; stop it or set LETTERPOD_S3_PORT"; fi
  local t0=$SECONDS
  mkdir -p "$DIR"/{run,log,mon,osd/ceph-0,rgw,crash}
  touch "$MARKER"
  # A start that fails half-way stops what it started; its logs are kept for a look.
  trap 'if [ $? -ne 0 ]; then rm -rf -- "$DIR.failed-logs"; cp -r "$DIR/log" "$DIR.failed-logs" 2>/dev/null; stop_quietly; log "logs kept in $DIR.failed-logs"; fi' EXIT
  local fsid osd_uuid
  fsid="$(cat /proc/sys/kernel/random/uuid)"
  osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
  write_conf "$fsid"

  # Monitor.
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" >"$DIR/log/mkfs-mon.out" 2>&1 || die "ceph-mon --mkfs failed: $(tail -3 "$DIR/log/mkfs-mon.out")"
  ceph-mon -c "$CONF" -i a >"$DIR/log/mon.a.out" 2>&1 || die "ceph-mon did not start: $(tail -3 "$DIR/log/mon.a.out" "$DIR/log/mon.a.log" 2>/dev/null)"
  wait_for 30 "the monitor" ceph_ mon stat

  # One OSD on memstore.
  local id
  id="$(ceph_ osd new "$osd_uuid")"
  [ "$id" = 0 ] || die "expected osd id 0, got $id"
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >"$DIR/log/mkfs-osd.out" 2>&1 || die "ceph-osd --mkfs failed: $(tail -3 "$DIR/log/mkfs-osd.out")"
  ceph-osd -c "$CONF" -i 0 >"$DIR/log/osd.0.out" 2>&1 || die "ceph-osd did not start: $(tail -3 "$DIR/log/osd.0.out" "$DIR/log/osd.0.log" 2>/dev/null)"
  wait_for 60 "the OSD to come up" osd_up

  # radosgw (it creates its pools on first start).
  radosgw -c "$CONF" -n client.rgw >"$DIR/log/radosgw.out" 2>&1 || die "radosgw did not start: $(tail -3 "$DIR/log/radosgw.out" "$DIR/log/client.rgw.log" 2>/dev/null)"
  wait_for 90 "radosgw to answer on $ENDPOINT" answers_http
  pid_of client.rgw >/dev/null || die "radosgw exited: $(tail -3 "$DIR/log/client.rgw.log")"

  radosgw-admin -c "$CONF" user create --uid=letterpod-test --display-name="letterpod tests" \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >"$DIR/log/user-create.out" 2>&1 \
    || die "radosgw-admin user create failed: $(tail -3 "$DIR/log/user-create.out")"

  cat >"$DIR/s3.env" <<EOF
LETTERPOD_S3_ENDPOINT=$ENDPOINT
AWS_ACCESS_KEY_ID=$ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$SECRET_KEY
AWS_REGION=us-east-1
EOF
  trap - EXIT
  rm -rf -- "$DIR.failed-logs"
  log "started in $((SECONDS - t0)) s"
  print_info
}

# Stop our daemons (by the pids in their pid files) and remove the data dir.
stop_quietly() {
  [ -e "$DIR" ] || return 0
  if [ ! -f "$MARKER" ] && [ ! -f "$CONF" ]; then
    log "$DIR exists but is not a letterpod test cluster; not touching it"
    return 1
  fi
  local name pid deadline
  for name in "${DAEMONS[@]}"; do
    pid="$(pid_of "$name")" || continue
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 5))
    while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  rm -rf -- "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop)
    stop_quietly
    log "stopped ($DIR removed)"
    ;;
  status)
    if running; then
      print_info
    else
      echo "S3 server: not running ($DIR)"
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
