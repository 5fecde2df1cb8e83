#!/usr/bin/env bash
# Measures NFS write throughput against real peers, as root, in namespaces this script makes and deletes:
#   FragNet's NFS client (TAP, and the kernel's TCP over veth) against libnfs's nfs-cp writing the same file to the
#   same nfs-ganesha, and libnfs writing to `fragnet nfs serve` (on a TAP) against libnfs writing to ganesha.
# Each figure is the median of RUNS runs of SIZE_MB megabytes (10^6 bytes).
# Usage: eng/measure-nfs.sh [SIZE_MB] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-200}
RUNS=${2:-3}
dotnet build src/FragNet.Cli -c Release -m:1 -nologo -v quiet >/dev/null
F=$PWD/src/FragNet.Cli/bin/Release/net10.0/fragnet
T=fnnt$$ C=fnnc$$
W=$(mktemp -d /tmp/fragnet-measure-nfs.XXXXXX)
cleanup() {
  [[ -f $W/ganesha.pid ]] && kill "$(cat "$W/ganesha.pid")" 2>/dev/null || true
  for ns in "$T" "$C"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$W"
}
trap cleanup EXIT

# T: ganesha on 10.77.0.1 (TAP fn0, FragNet at 10.77.0.2) and 10.79.0.1 (veth to C, the kernel client at 10.79.0.2).
ip netns add "$T"; ip -n "$T" link set lo up
ip netns exec "$T" ip tuntap add dev fn0 mode tap
ip netns exec "$T" sysctl -q -w net.ipv6.conf.fn0.disable_ipv6=1
ip -n "$T" addr add 10.77.0.1/24 dev fn0; ip -n "$T" link set fn0 up
ip netns add "$C"; ip -n "$C" link set lo up
ip link add fnnv0 netns "$T" type veth peer name fnnv1 netns "$C"
ip -n "$T" addr add 10.79.0.1/24 dev fnnv0; ip -n "$C" addr add 10.79.0.2/24 dev fnnv1
ip -n "$T" link set fnnv0 up; ip -n "$C" link set fnnv1 up

mkdir -p "$W/exp" "$W/rec" "$W/fnexp"
cat >"$W/ganesha.conf" <<CONF
NFS_CORE_PARAM { NFS_Protocols = 3; NFS_Port = 2049; MNT_Port = 20048; Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; }
NFSV4 { RecoveryRoot = $W/rec; Grace_Period = 0; }
EXPORT { Export_Id = 1; Path = $W/exp; Pseudo = /export; Protocols = 3; Transports = TCP; Access_Type = RW; Squash = None; SecType = sys; FSAL { Name = VFS; } }
CONF
cat >"$W/run.sh" <<RUN
set -e
mount -t tmpfs tmpfs /run
mkdir -p /run/ganesha /run/rpcbind
rpcbind -w -f &
for i in \$(seq 100); do [ -S /run/rpcbind.sock ] && break; sleep 0.05; done
exec ganesha.nfsd -F -L $W/ganesha.log -p $W/ganesha.pid -f $W/ganesha.conf -N NIV_EVENT
RUN
ip netns exec "$T" unshare -m --propagation private sh "$W/run.sh" >"$W/run.log" 2>&1 &
for i in $(seq 300); do ip netns exec "$T" ss -Hltn | grep -q ':2049 ' && break; sleep 0.1; done
head -c "$((SIZE_MB * 1000000))" /dev/urandom >"$W/src.bin"
BYTES=$((SIZE_MB * 1000000))

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mbps() { awk -v b="$BYTES" -v s="$1" 'BEGIN {printf "%.1f", b / s / 1e6}'; }
# nfs_cp NS URL-PREFIX: median MB/s of RUNS nfs-cp runs to new files
nfs_cp() {
  local i t0 t1
  for i in $(seq "$RUNS"); do
    t0=$(date +%s.%N)
    ip netns exec "$1" nfs-cp "$W/src.bin" "$2/cp-$RANDOM-$i.bin?nfsport=2049&mountport=20048" >/dev/null
    t1=$(date +%s.%N)
    mbps "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')"; echo
  done | median
}
bench() { ip netns exec "$1" "$F" bench nfs "$2" --file "$W/src.bin" --runs "$RUNS" --json "${@:3}" | sed -n 's/.*"writeMBps": \([0-9.]*\).*/\1/p' | xargs printf '%.1f'; }

G=$W/exp
fn_tap=$(bench "$T" "nfs://10.77.0.1$G/fn-tap.bin?nfsport=2049&mountport=20048" --via tap:fn0 --ip 10.77.0.2/24)
fn_host=$(bench "$C" "nfs://10.79.0.1$G/fn-host.bin?nfsport=2049&mountport=20048" --via host)
cp_lo=$(nfs_cp "$T" "nfs://10.77.0.1$G")
cp_veth=$(nfs_cp "$C" "nfs://10.79.0.1$G")
printf '%-62s %8s MB/s\n' "FragNet client, FragNet TCP over TAP -> ganesha" "$fn_tap"
printf '%-62s %8s MB/s\n' "FragNet client, kernel TCP over veth -> ganesha" "$fn_host"
printf '%-62s %8s MB/s\n' "libnfs nfs-cp, kernel TCP over loopback -> ganesha" "$cp_lo"
printf '%-62s %8s MB/s\n' "libnfs nfs-cp, kernel TCP over veth -> ganesha" "$cp_veth"

# libnfs -> fragnet nfs serve (FragNet's stack on the TAP, a directory export) against libnfs -> ganesha (above).
ip netns exec "$T" "$F" nfs serve --root "$W/fnexp" --via tap:fn0 --ip 10.77.0.2/24 >"$W/serve.log" 2>&1 &
serve=$!
for i in $(seq 100); do grep -q serving "$W/serve.log" && break; sleep 0.1; done
sleep 0.5
cp_fn=$(nfs_cp "$T" "nfs://10.77.0.2/export")
kill -TERM "$serve"; wait "$serve" || true   # (a background job ignores SIGINT)
printf '%-62s %8s MB/s\n' "libnfs nfs-cp -> fragnet nfs serve (FragNet TCP over TAP)" "$cp_fn"
printf 'ratios: FragNet/nfs-cp over a link %.2f (TAP vs veth); fragnet serve/ganesha for nfs-cp %.2f (loopback ganesha)\n' \
  "$(awk -v a="$fn_tap" -v b="$cp_veth" 'BEGIN {print a / b}')" "$(awk -v a="$cp_fn" -v b="$cp_lo" 'BEGIN {print a / b}')"
tail -1 "$W/serve.log"
