# The reverse direction of rails.json: reads a JSON list of
# {secret_key_base, digest, cookie_name, cookie} (cookies Tessera encrypted)
# on stdin and prints, for each, what ActiveSupport's encrypted cookie jar
# reads: {"value": <decoded JSON value>} or {"nil": true} (Rails' answer to
# a cookie it refuses).
require "active_support"
require "active_support/core_ext"
require "active_support/message_encryptor"
require "json"
require "uri"

out = JSON.parse($stdin.read).map do |c|
  # Rails 7's KeyGenerator#generate_key (6.1's ignores hash_digest_class).
  key = OpenSSL::PKCS5.pbkdf2_hmac(c["secret_key_base"], "authenticated encrypted cookie", 1000, 32,
                                   OpenSSL::Digest.new(c["digest"] == "sha1" ? "SHA1" : "SHA256"))
  enc = ActiveSupport::MessageEncryptor.new(key, cipher: "aes-256-gcm", serializer: ActiveSupport::MessageEncryptor::NullSerializer)
  begin
    plain = enc.decrypt_and_verify(URI.decode_www_form_component(c["cookie"]), purpose: "cookie.#{c["cookie_name"]}")
    plain.nil? ? { "nil" => true } : { "value" => ActiveSupport::JSON.decode(plain), "json" => plain }
  rescue ActiveSupport::MessageEncryptor::InvalidMessage
    { "nil" => true }
  end
end
puts JSON.generate(out)
