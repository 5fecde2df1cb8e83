#!/usr/bin/env bash
# Measures `fragnet tcp send/recv` over real networks, as root, in namespaces this script makes and deletes:
#   FragNet TCP over a TAP (FragNet sender -> kernel receiver, and the reverse), with and without the virtio header,
#   against kernel TCP over a veth pair between two namespaces, with the same CLI at both ends.
# Prints one line per run: case, sender's and receiver's Gbit/s. Usage: eng/measure-real-networks.sh [BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
BYTES=${1:-1000000000}
dotnet build src/FragNet.Cli -c Release -m:1 -nologo -v quiet >/dev/null
F=$PWD/src/FragNet.Cli/bin/Release/net10.0/fragnet
T=fnmt$$ A=fnma$$ B=fnmb$$
cleanup() { ip netns del "$T" 2>/dev/null || true; ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$T"; ip -n "$T" link set lo up
ip netns exec "$T" ip tuntap add dev fn0 mode tap
ip netns exec "$T" sysctl -q -w net.ipv6.conf.fn0.disable_ipv6=1
ip -n "$T" addr add 10.77.0.1/24 dev fn0; ip -n "$T" link set fn0 up
ip netns add "$A"; ip netns add "$B"; ip -n "$A" link set lo up; ip -n "$B" link set lo up
ip link add fnv0 netns "$A" type veth peer name fnv1 netns "$B"
ip -n "$A" addr add 10.78.0.1/24 dev fnv0; ip -n "$B" addr add 10.78.0.2/24 dev fnv1
ip -n "$A" link set fnv0 up; ip -n "$B" link set fnv1 up

gbps() { sed -n 's/.*"gbps": \([0-9.]*\).*/\1/p' "$1"; }
# run NAME RECV-NS SEND-NS "RECV ARGS" "SEND ARGS"
run() {
  ip netns exec "$2" timeout 300 "$F" tcp recv $4 --bytes "$BYTES" --json >/tmp/fnm-recv.json 2>&1 &
  local recv=$!
  sleep 2
  ip netns exec "$3" timeout 300 "$F" tcp send $5 --bytes "$BYTES" --seed 3 --json >/tmp/fnm-send.json 2>&1 || true
  wait "$recv" || true
  printf '%-58s send %6s Gbit/s  recv %6s Gbit/s\n' "$1" "$(gbps /tmp/fnm-send.json)" "$(gbps /tmp/fnm-recv.json)"
}
# Three receiver workloads: count bytes only; check every byte against the stream; check and SHA-256 both ends.
for mode in count check sha256; do
  case $mode in
    count) r="--no-hash"; s="--no-hash" ;;
    check) r="--no-hash --seed 3"; s="--no-hash" ;;
    sha256) r="--seed 3"; s="" ;;
  esac
  run "kernel -> kernel, veth ($mode)"              "$B" "$A" "--listen 5001 $r" "--to 10.78.0.2:5001 $s"
  run "FragNet tap+vnet -> kernel ($mode)"          "$T" "$T" "--listen 5002 $r" "--to 10.77.0.1:5002 --via tap:fn0 --ip 10.77.0.2/24 $s"
  run "kernel -> FragNet tap+vnet ($mode)"          "$T" "$T" "--listen 5003 --via tap:fn0 --ip 10.77.0.2/24 $r" "--to 10.77.0.2:5003 $s"
  run "FragNet tap, no offload -> kernel ($mode)"   "$T" "$T" "--listen 5004 $r" "--to 10.77.0.1:5004 --via tap:fn0 --ip 10.77.0.2/24 --no-offload $s"
  run "kernel -> FragNet tap, no offload ($mode)"   "$T" "$T" "--listen 5005 --via tap:fn0 --ip 10.77.0.2/24 --no-offload $r" "--to 10.77.0.2:5005 $s"
done
