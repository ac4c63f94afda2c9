#!/usr/bin/env bash
# A user-space NFS server for NfsFs's tests and demo: nfs-ganesha with the VFS backend, NFSv3 over TCP, bound to
# 127.0.0.1 on non-default ports, its state in one directory, rpcbind confined to a network namespace of its own
# (ganesha must register NFSv3 with a portmapper; it reaches this one through /run/rpcbind.sock, and nothing
# listens on the host's port 111). Needs root (FSAL_VFS opens files by handle) and Debian 12's packages.
#
#   nfs-server.sh install   apt-get the server, rpcbind and libnfs13 (the client library NfsFs loads)
#   nfs-server.sh start     start (again: the export and its files survive a stop); the last line printed is
#                           the export's URL, with <file> standing for a file name
#   nfs-server.sh stop      stop both daemons by their PIDs
#   nfs-server.sh url       print the URL again
#
# Environment: AOPSGEN_NFS_DIR (state, default /tmp/aopsgen-nfs), AOPSGEN_NFS_PORT (20490),
# AOPSGEN_NFS_MOUNT_PORT (20048).
set -euo pipefail

state=${AOPSGEN_NFS_DIR:-/tmp/aopsgen-nfs}
nfs_port=${AOPSGEN_NFS_PORT:-20490}
mount_port=${AOPSGEN_NFS_MOUNT_PORT:-20048}
plugins=$(dirname "$(find /usr/lib -maxdepth 3 -name libfsalvfs.so 2>/dev/null | head -1)" 2>/dev/null || true)

url() { echo "nfs://127.0.0.1/export/<file>?version=3&nfsport=$nfs_port&mountport=$mount_port"; }

install() {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Nothing starts by itself: no systemd here, and policy-rc.d refuses service starts.
    apt-get install -y -qq --no-install-recommends nfs-ganesha nfs-ganesha-vfs rpcbind libnfs13 iproute2 >/dev/null
}

write_config() {
    cat > "$state/ganesha.conf" <<CONF
NFS_CORE_PARAM {
    Bind_addr = 127.0.0.1;
    NFS_Port = $nfs_port;
    MNT_Port = $mount_port;
    Protocols = 3;
    Enable_NLM = false;
    Enable_RQUOTA = false;
    Enable_UDP = false;
    # NFSv3 clients mount the export by its pseudo path, /export.
    mount_path_pseudo = true;
    Plugins_Dir = ${plugins:-/usr/lib/x86_64-linux-gnu/ganesha};
}
NFSv4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = $state/recovery; }
NFS_KRB5 { Active_krb5 = false; CCacheDir = $state/run; }
EXPORT {
    Export_Id = 1;
    Path = $state/export;
    Pseudo = /export;
    Protocols = 3;
    Transports = TCP;
    Access_Type = RW;
    Squash = No_Root_Squash;
    SecType = sys;
    FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
CONF
}

running() { [ -f "$state/$1.pid" ] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null; }

start() {
    [ "$(id -u)" -eq 0 ] || { echo "nfs-server.sh: start needs root (ganesha's VFS backend opens files by handle)" >&2; exit 1; }
    command -v ganesha.nfsd >/dev/null || { echo "nfs-server.sh: nfs-ganesha is not installed: run '$0 install'" >&2; exit 1; }
    mkdir -p "$state/export" "$state/run" "$state/recovery" /run/rpcbind
    write_config
    if ! running rpcbind; then
        # A stopped rpcbind leaves its socket file behind: waiting for the file alone would let ganesha register
        # before the new rpcbind listens ("Cannot register NFS V3 on TCP", and ganesha exits). Remove it unless a
        # portmapper still answers there, and wait for an answer.
        rpcinfo >/dev/null 2>&1 || rm -f /run/rpcbind.sock
        setsid unshare --net sh -c 'ip link set lo up 2>/dev/null; exec rpcbind -f' >"$state/rpcbind.log" 2>&1 </dev/null &
        echo $! > "$state/rpcbind.pid"
        for _ in $(seq 100); do rpcinfo >/dev/null 2>&1 && break; sleep 0.1; done
        rpcinfo >/dev/null 2>&1 || { echo "nfs-server.sh: rpcbind did not answer on /run/rpcbind.sock in 10 s (see $state/rpcbind.log)" >&2; exit 1; }
    fi
    if ! running ganesha; then
        # ganesha appends to its log; readiness is judged on a fresh one.
        rm -f "$state/ganesha.log"
        setsid ganesha.nfsd -F -f "$state/ganesha.conf" -L "$state/ganesha.log" -p "$state/run/ganesha.pid" -N NIV_EVENT \
            >"$state/ganesha.out" 2>&1 </dev/null &
        echo $! > "$state/ganesha.pid"
    fi
    for _ in $(seq 150); do
        if ! running ganesha; then
            echo "nfs-server.sh: ganesha exited:" >&2; tail -5 "$state/ganesha.log" >&2 || true; exit 1
        fi
        if grep -q 'NFS SERVER INITIALIZED' "$state/ganesha.log" 2>/dev/null && ss -ltn | grep -q ":$nfs_port "; then
            url
            return 0
        fi
        sleep 0.1
    done
    echo "nfs-server.sh: ganesha did not become ready in 15 s (see $state/ganesha.log)" >&2
    exit 1
}

stop() {
    for daemon in ganesha rpcbind; do
        [ -f "$state/$daemon.pid" ] || continue
        pid=$(cat "$state/$daemon.pid")
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid"
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
        fi
        rm -f "$state/$daemon.pid"
    done
    # ganesha holds a lock on its own pid file until its last thread is gone, which can outlast the main thread
    # by a moment while clients are still connected: a start must not race it ("Ganesha already started").
    for _ in $(seq 100); do pgrep -f "ganesha.nfsd -F -f $state/ganesha.conf" >/dev/null || break; sleep 0.1; done
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    url) url ;;
    *) echo "usage: $0 install|start|stop|url" >&2; exit 2 ;;
esac
