#!/usr/bin/env bash
# Runs every FragNet test. Installs what the tests need first (as root, through apt) so a fresh Debian machine with
# the .NET SDK is enough. Prints dotnet test's per-assembly summary lines; exits non-zero if any test failed.
set -euo pipefail
cd "$(dirname "$0")"

# System packages the test suites need: tcpdump and tshark read FragNet's captures and check filter parity;
# iproute2 (ip netns, ip tuntap) and iputils-ping for the TAP interop tests; nfs-ganesha (with its VFS backend),
# rpcbind and libnfs-utils are the real NFS server and client FragNet is tested against (tests/FragNet.Interop.Tests).
APT_PACKAGES=(iproute2 iputils-ping libnfs-utils nfs-ganesha nfs-ganesha-vfs rpcbind tcpdump tshark)
if ((${#APT_PACKAGES[@]})); then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if ((${#missing[@]})); then
    if [[ $EUID -ne 0 ]]; then
      echo "test.sh: need root to install: ${missing[*]}" >&2
      exit 2
    fi
    echo "test.sh: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build FragNet.slnx -c Release -nologo -v quiet
dotnet test FragNet.slnx -c Release --no-build -nologo --logger "console;verbosity=minimal"
