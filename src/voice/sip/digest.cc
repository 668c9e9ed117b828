#include "voice/sip/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "base/check.h"

namespace hotline::voice::sip {

namespace {

constexpr size_t kStampDigits = 16;  // the nonce's issue instant, hex microseconds

std::string Hex(const unsigned char* bytes, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (size_t i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

void SkipSpaces(std::string_view text, size_t* i) {
  while (*i < text.size() && (text[*i] == ' ' || text[*i] == '\t')) ++*i;
}

Error Bad(std::string message) {
  return Error::InvalidArgument("Authorization: " + std::move(message), "authorization");
}

// quoted-string (RFC 3261 §25.1): backslash escapes the next character. `*i` is at the opening
// quote; on success it is past the closing one.
Result<std::string> ReadQuoted(std::string_view text, size_t* i) {
  std::string out;
  for (++*i; *i < text.size(); ++*i) {
    char c = text[*i];
    if (c == '"') {
      ++*i;
      return out;
    }
    if (c == '\\') {
      if (++*i == text.size()) break;
      c = text[*i];
    }
    out += c;
  }
  return Bad("unterminated quoted value");
}

std::string* FieldNamed(DigestCredentials& c, const std::string& name) {
  const std::map<std::string, std::string*> fields = {
      {"username", &c.username}, {"realm", &c.realm},       {"nonce", &c.nonce},
      {"uri", &c.uri},           {"response", &c.response}, {"algorithm", &c.algorithm},
      {"cnonce", &c.cnonce},     {"qop", &c.qop},           {"nc", &c.nc},
      {"opaque", &c.opaque}};
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : it->second;
}

}  // namespace

std::string Md5Hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int length = 0;
  const int ok = EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_md5(), nullptr);
  HOTLINE_CHECK(ok == 1 && length == 16, "EVP_Digest(MD5) failed");
  return Hex(digest.data(), length);
}

std::string DigestHa1(std::string_view username, std::string_view realm,
                      std::string_view password) {
  std::string text;
  text.reserve(username.size() + realm.size() + password.size() + 2);
  text.append(username).append(":").append(realm).append(":").append(password);
  return Md5Hex(text);
}

NonceIssuer::NonceIssuer() {
  HOTLINE_CHECK(RAND_bytes(secret_.data(), static_cast<int>(secret_.size())) == 1,
                "RAND_bytes failed");
}

std::string NonceIssuer::Mac(std::string_view stamp) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac;
  unsigned int length = 0;
  const unsigned char* ok =
      HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
           reinterpret_cast<const unsigned char*>(stamp.data()), stamp.size(), mac.data(), &length);
  HOTLINE_CHECK(ok != nullptr && length == 32, "HMAC(SHA-256) failed");
  return Hex(mac.data(), length);
}

std::string NonceIssuer::Issue(Instant now) const {
  char stamp[kStampDigits + 1];
  std::snprintf(stamp, sizeof stamp, "%016llx",
                static_cast<unsigned long long>(ToMicros(now)));  // NOLINT(runtime/int)
  return stamp + Mac(stamp);
}

bool NonceIssuer::Valid(std::string_view nonce, Instant now, Duration max_age) const {
  if (nonce.size() != kStampDigits + 64) return false;
  std::string_view stamp = nonce.substr(0, kStampDigits);
  if (!ConstantTimeEquals(nonce.substr(kStampDigits), Mac(stamp))) return false;
  uint64_t micros = 0;
  for (char c : stamp) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return false;
    micros = micros * 16 + static_cast<uint64_t>(digit);
  }
  Instant issued = FromMicros(static_cast<int64_t>(micros));
  return issued <= now && now - issued <= max_age;
}

std::string DigestChallenge(std::string_view realm, std::string_view nonce, bool stale) {
  auto quote = [](std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::string value =
      "Digest realm=" + quote(realm) + ", nonce=" + quote(nonce) + ", algorithm=MD5, qop=\"auth\"";
  if (stale) value += ", stale=true";
  return value;
}

Result<DigestCredentials> ParseAuthorization(std::string_view value) {
  if (value.size() > kMaxAuthorizationBytes) return Bad("over 4 KiB");
  size_t i = 0;
  SkipSpaces(value, &i);
  size_t scheme_end = i;
  while (scheme_end < value.size() && IsTokenChar(value[scheme_end])) ++scheme_end;
  if (Lower(value.substr(i, scheme_end - i)) != "digest") return Bad("scheme is not Digest");
  i = scheme_end;

  DigestCredentials c;
  std::map<std::string, bool> seen;
  for (;;) {
    SkipSpaces(value, &i);
    if (i == value.size()) break;
    size_t name_start = i;
    while (i < value.size() && IsTokenChar(value[i])) ++i;
    std::string name = Lower(value.substr(name_start, i - name_start));
    if (name.empty()) return Bad("expected a parameter name at offset " + std::to_string(i));
    SkipSpaces(value, &i);
    if (i == value.size() || value[i] != '=') return Bad("expected '=' after " + name);
    ++i;
    SkipSpaces(value, &i);
    std::string param;
    if (i < value.size() && value[i] == '"') {
      auto quoted = ReadQuoted(value, &i);
      if (!quoted.ok()) return quoted.error();
      param = std::move(*quoted);
    } else {
      size_t start = i;
      while (i < value.size() && value[i] != ',' && value[i] != ' ' && value[i] != '\t') ++i;
      param = std::string(value.substr(start, i - start));
      if (param.empty()) return Bad("empty value for " + name);
    }
    if (seen[name]) return Bad("repeated parameter " + name);
    seen[name] = true;
    if (std::string* field = FieldNamed(c, name)) *field = std::move(param);
    SkipSpaces(value, &i);
    if (i == value.size()) break;
    if (value[i] != ',') return Bad("expected ',' after " + name);
    ++i;
  }
  for (const char* required : {"username", "realm", "nonce", "uri", "response"}) {
    if (!seen[required]) return Bad(std::string("missing ") + required);
  }
  return c;
}

bool CheckDigest(const DigestCredentials& c, std::string_view method, std::string_view ha1) {
  if (!c.algorithm.empty() && Lower(c.algorithm) != "md5") return false;
  std::string ha2 = Md5Hex(std::string(method) + ":" + c.uri);
  std::string expected;
  if (c.qop.empty()) {
    expected = Md5Hex(std::string(ha1) + ":" + c.nonce + ":" + ha2);
  } else if (c.qop == "auth" && !c.nc.empty() && !c.cnonce.empty()) {
    expected = Md5Hex(std::string(ha1) + ":" + c.nonce + ":" + c.nc + ":" + c.cnonce + ":" + c.qop +
                      ":" + ha2);
  } else {
    return false;
  }
  return ConstantTimeEquals(Lower(c.response), expected);
}

}  // namespace hotline::voice::sip
