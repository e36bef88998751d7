#!/usr/bin/env bash
# The run command (README step a): installs what is missing, builds, loads the demo district
# into an empty database, prints the URL and the demo accounts, and serves on 127.0.0.1:8080.
# WANGGE_DATA (default ./data) holds the SQLite file; DATABASE_URL switches to PostgreSQL.
# WANGGE_BUILD=release builds optimised (slower to build, faster to run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

# Debian packages: SQLite and TLS are built into the binary, so only the tools used here,
# Leaflet (libjs-leaflet), which Wangge serves to the report pages' maps (WANGGE_LEAFLET_DIR), and
# libqrencode-dev, the QR code encoder the build links for the contact cards.
missing=()
for tool in curl; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
[ -f /usr/include/qrencode.h ] || missing+=(libqrencode-dev)
[ -f "${WANGGE_LEAFLET_DIR:-/usr/share/javascript/leaflet}/leaflet.js" ] || missing+=(libjs-leaflet)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else echo "please install: ${missing[*]}" >&2; exit 1; fi
fi
command -v swift >/dev/null || { echo "Swift 6.3 is needed (https://www.swift.org/install/linux/)" >&2; exit 1; }

config=${WANGGE_BUILD:-debug}
echo "== building ($config; the first build takes several minutes) =="
swift build -c "$config" --product wangge
bin="$(swift build -c "$config" --show-bin-path)/wangge"

export WANGGE_DATA=${WANGGE_DATA:-./data}
"$bin" demo --if-empty

host=${WANGGE_HOST:-127.0.0.1}
port=${WANGGE_PORT:-8080}
cat <<MSG

  网格 Wangge 已启动 / is running:  http://$host:$port
  演示账号 / demo accounts (密码 / password: Wangge@2026):
    admin 系统管理员 · leader 领导 · operator 受理员 · gridworker 网格员 · proxy 代办员
    department 职能部门 · security 安全管理员 · auditor 审计员 · resident 居民
  admin/security/auditor 需两步验证码 / need a TOTP code:  $bin totp admin
  数据 / data: $WANGGE_DATA  (Ctrl-C 停止 / to stop)

MSG
exec "$bin" serve --hostname "$host" --port "$port"
