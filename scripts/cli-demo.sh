#!/usr/bin/env bash
# A walk-through of the core through the
# `tessera` CLI — generate a key, publish its JWKS, sign a JWT, verify it,
# inspect it, and watch it being rejected (expired, tampered, wrong audience,
# alg confusion), each with its stable error code.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -q -p tessera-cli
bin="${CARGO_TARGET_DIR:-$PWD/target}/debug/tessera"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
say() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }
# reject LABEL CMD...: run a command expected to reject; show exit code and stderr.
reject() {
    say "$1"
    shift
    set +e
    "$@" 2>"$work/err"
    local rc=$?
    set -e
    [ "$rc" -eq 1 ] || { echo "expected exit 1, got $rc" >&2; cat "$work/err" >&2; exit 1; }
    echo "exit $rc: $(head -n1 "$work/err")"
}

say "tessera keygen ES256 --kid demo-2026 > key.jwk        # a private JWK"
"$bin" keygen ES256 --kid demo-2026 > "$work/key.jwk"
sed -E 's/"d":"[^"]+"/"d":"<private>"/' "$work/key.jwk"

say "tessera jwks key.jwk > jwks.json                      # what you publish"
"$bin" jwks "$work/key.jwk" | tee "$work/jwks.json"

now=1900000000
claims="{\"sub\":\"alice\",\"iss\":\"https://auth.example\",\"aud\":\"api\",\"iat\":$now,\"exp\":$((now + 900))}"
say "tessera sign --key key.jwk '$claims'"
token="$("$bin" sign --key "$work/key.jwk" "$claims")"
echo "$token"

say "tessera verify --jwks jwks.json --iss https://auth.example --aud api --now $((now + 60)) TOKEN"
"$bin" verify --jwks "$work/jwks.json" --iss https://auth.example --aud api --now $((now + 60)) -- "$token"

say "tessera inspect TOKEN                                  # decoded, NOT verified"
"$bin" inspect -- "$token" 2>/dev/null

echo
echo "Rejections: exit code 1, and stderr's first line starts with the error code."
check=(verify --jwks "$work/jwks.json" --iss https://auth.example --aud api)
reject "tessera verify ... --now $((now + 901)) TOKEN          # 1 s after exp" \
    "$bin" "${check[@]}" --now $((now + 901)) -- "$token"
reject "tessera verify --jwks jwks.json --aud web ... TOKEN   # another audience" \
    "$bin" verify --jwks "$work/jwks.json" --iss https://auth.example --aud web --now $((now + 60)) -- "$token"
sig="${token##*.}"
first="${sig:0:1}"; [ "$first" = A ] && swap=B || swap=A
tampered="${token%.*}.${swap}${sig:1}"
reject "tessera verify ... TAMPERED_TOKEN                     # one signature character changed" \
    "$bin" "${check[@]}" --now $((now + 60)) -- "$tampered"
# Algorithm confusion: an HS256 token MACed with the public JWKS text as the secret.
printf '%s' "$(cat "$work/jwks.json")" > "$work/public-as-secret"
forged="$("$bin" sign --key "$work/public-as-secret" --secret --allow-weak --kid demo-2026 "$claims")"
reject "tessera verify ... FORGED_TOKEN                       # HS256, keyed with the public JWKS" \
    "$bin" "${check[@]}" --now $((now + 60)) -- "$forged"
reject "tessera verify --jwks jwks.json not-a-token" \
    "$bin" verify --jwks "$work/jwks.json" -- "not-a-token"
echo
echo "These codes are the contract every Tessera binding (C, Python, Node, Kotlin/Swift) exposes."
