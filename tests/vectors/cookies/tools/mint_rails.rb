# Mints tests/vectors/cookies/rails.json with Ruby's real ActiveSupport
# (Debian: apt-get install ruby-activesupport, 6.1), configured as a Rails 7
# app's encrypted cookie jar: KeyGenerator (PBKDF2, 1000 iterations, SHA-256 or
# the legacy SHA-1), salt "authenticated encrypted cookie", MessageEncryptor
# aes-256-gcm with the NullSerializer, ActiveSupport::JSON values, the legacy
# `_rails` metadata envelope with purpose "cookie.<name>", Rack escaping.
#
#   ruby tests/vectors/cookies/tools/mint_rails.rb > tests/vectors/cookies/rails.json
#
# GCM IVs are random, so re-running changes every cookie (all stay valid).
require "active_support"
require "active_support/core_ext"
require "active_support/message_encryptor"
require "json"
require "uri"

SALT = "authenticated encrypted cookie"

def encryptor(secret, digest)
  # Rails 7's KeyGenerator#generate_key is exactly this call; 6.1's ignores
  # hash_digest_class (always SHA-1), so it is spelled out here.
  key = OpenSSL::PKCS5.pbkdf2_hmac(secret, SALT, 1000, 32, OpenSSL::Digest.new(digest == "sha1" ? "SHA1" : "SHA256"))
  ActiveSupport::MessageEncryptor.new(key, cipher: "aes-256-gcm", serializer: ActiveSupport::MessageEncryptor::NullSerializer)
end

# What cookies.encrypted[name] = { value:, expires: } writes.
def mint(secret, digest, name, value, expires_at: nil, purpose: "cookie.#{name}")
  enc = encryptor(secret, digest)
  URI.encode_www_form_component(enc.encrypt_and_sign(ActiveSupport::JSON.encode(value), expires_at: expires_at, purpose: purpose))
end

SKB = "a" * 64 + "-rails-interop-secret-key-base-0123456789abcdef"
OTHER = "b" * 64 + "-another-secret-key-base"
NOW_MS = 1_763_000_000_000 # 2025-11-13
FUTURE = Time.utc(2100, 1, 1, 0, 0, 0.5r)
PAST = Time.utc(2001, 9, 9, 1, 46, 40)

session = { "session_id" => "7c4f0e7a2b6d4e9f8a1b2c3d4e5f6a7b", "_csrf_token" => "q8vQm2ZJ0XyK-Tessera_csrf_token_value_4f", "user_id" => 42 }
valid = [
  ["session-sha256", SKB, "sha256", "_app_session", session, nil],
  ["session-sha1-legacy", SKB, "sha1", "_app_session", session, nil],
  ["escapes-and-unicode", SKB, "sha256", "_app_session", { "html" => "<b>&amp;</b>", "name" => "Jürgen 🍪", "sep" => "a\u2028b\u2029c", "ctl" => "tab\tnl\n\"q\"\\" }, nil],
  ["nested-and-numbers", SKB, "sha256", "prefs", { "list" => [1, 2.5, -3, 1.5e-07, true, false, nil], "obj" => { "z" => 1, "a" => { "deep" => [] } } }, nil],
  ["string-value", SKB, "sha256", "remember_token", "opaque-token-value", nil],
  ["array-value", SKB, "sha256", "cart", [1, "two", { "three" => 3 }], nil],
  ["expires-in-future", SKB, "sha256", "_app_session", session, FUTURE],
  ["large-session", SKB, "sha256", "_app_session", { "blob" => "x" * 2500, "n" => 1 }, nil],
]
cases = valid.map do |name, secret, digest, cookie_name, value, exp|
  { "name" => name, "secret_key_base" => secret, "digest" => digest, "cookie_name" => cookie_name,
    "cookie" => mint(secret, digest, cookie_name, value, expires_at: exp), "now_ms" => NOW_MS,
    "expect" => { "json" => value } }
end

raw = encryptor(SKB, "sha256").encrypt_and_sign(ActiveSupport::JSON.encode(session), purpose: "cookie._app_session")
cases << { "name" => "unescaped-message", "secret_key_base" => SKB, "digest" => "sha256", "cookie_name" => "_app_session",
           "cookie" => raw, "now_ms" => NOW_MS, "expect" => { "json" => session } }

good = mint(SKB, "sha256", "_app_session", session)
ct, iv, tag = URI.decode_www_form_component(good).split("--")
flip = ->(b64, i) { bytes = Base64.strict_decode64(b64).bytes; bytes[i] ^= 1; Base64.strict_encode64(bytes.pack("C*")) }
enc_msg = ->(a, b, c) { URI.encode_www_form_component([a, b, c].join("--")) }
no_envelope = URI.encode_www_form_component(encryptor(SKB, "sha256").encrypt_and_sign(ActiveSupport::JSON.encode(session)))
rejected = [
  ["expired", mint(SKB, "sha256", "_app_session", session, expires_at: PAST), "sha256", "_app_session", "EXPIRED"],
  ["other-cookie-name", mint(SKB, "sha256", "remember_token", session), "sha256", "_app_session", "INVALID_SIGNATURE"],
  ["other-purpose-signed-jar", mint(SKB, "sha256", "_app_session", session, purpose: "cookie._app_session.signed"), "sha256", "_app_session", "INVALID_SIGNATURE"],
  ["other-secret", mint(OTHER, "sha256", "_app_session", session), "sha256", "_app_session", "INVALID_SIGNATURE"],
  ["sha1-read-as-sha256", mint(SKB, "sha1", "_app_session", session), "sha256", "_app_session", "INVALID_SIGNATURE"],
  ["no-metadata-envelope", no_envelope, "sha256", "_app_session", "MALFORMED"],
  ["ciphertext-bit-flip", enc_msg.(flip.(ct, 3), iv, tag), "sha256", "_app_session", "INVALID_SIGNATURE"],
  ["iv-bit-flip", enc_msg.(ct, flip.(iv, 0), tag), "sha256", "_app_session", "INVALID_SIGNATURE"],
  ["tag-bit-flip", enc_msg.(ct, iv, flip.(tag, 15)), "sha256", "_app_session", "INVALID_SIGNATURE"],
  ["tag-truncated", enc_msg.(ct, iv, Base64.strict_encode64(Base64.strict_decode64(tag)[0, 12])), "sha256", "_app_session", "MALFORMED"],
  ["iv-wrong-length", enc_msg.(ct, Base64.strict_encode64("x" * 16), tag), "sha256", "_app_session", "MALFORMED"],
  ["two-parts", URI.encode_www_form_component([ct, iv].join("--")), "sha256", "_app_session", "MALFORMED"],
  ["four-parts", enc_msg.(ct, iv, tag + "--" + tag), "sha256", "_app_session", "MALFORMED"],
  ["not-base64", enc_msg.(ct.sub(/.$/, "!"), iv, tag), "sha256", "_app_session", "MALFORMED"],
  ["bad-percent-escape", good.sub("%", "%Z"), "sha256", "_app_session", "MALFORMED"],
  ["empty", "", "sha256", "_app_session", "MALFORMED"],
  ["garbage", "not a rails cookie", "sha256", "_app_session", "MALFORMED"],
]
rejected.each do |name, cookie, digest, cookie_name, code|
  cases << { "name" => name, "secret_key_base" => SKB, "digest" => digest, "cookie_name" => cookie_name,
             "cookie" => cookie, "now_ms" => NOW_MS, "expect" => { "error" => code } }
end

puts JSON.pretty_generate({
  "_schema" => "cases[]: name; secret_key_base; digest (key generator hash: sha256 = Rails 7 defaults, sha1 = legacy); cookie_name; cookie (the value as sent, Rack-escaped unless the name says otherwise); now_ms (Unix milliseconds); RailsCookie(secret_key_base, cookie_name, digest).decrypt(cookie, now_ms) gives expect.json (the value: compare as JSON, not text) or fails with expect.error (Tessera code). Encryption is randomized, so the reverse direction is checked by decrypting Tessera's output with ActiveSupport (tools/check_rails.rb).",
  "_generator" => "tests/vectors/cookies/tools/mint_rails.rb",
  "_versions" => { "activesupport" => ActiveSupport::VERSION::STRING, "ruby" => RUBY_VERSION },
  "cases" => cases,
})
