#include "api/auth/password.h"

#include <argon2.h>

#include <array>
#include <charconv>
#include <optional>

#include "api/auth/secure_random.h"

namespace hotline::api::auth {

namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr uint32_t kMaxVerifyMemoryKib = 1u << 20;  // 1 GiB
constexpr uint32_t kMaxVerifyTimeCost = 16;
constexpr uint32_t kMaxVerifyParallelism = 16;

constexpr std::string_view kUnambiguous =
    "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
static_assert(kUnambiguous.size() == 56);

Error TooLong() {
  return Error::InvalidArgument(
      "password must be at most " + std::to_string(kMaxPasswordBytes) + " bytes", "password");
}

// Reads "name=<decimal>" at the front of `text` and the character after it.
bool ReadParam(std::string_view& text, std::string_view name, char after, uint32_t& value) {
  if (text.substr(0, name.size()) != name || text.size() <= name.size() + 1 ||
      text[name.size()] != '=') {
    return false;
  }
  text.remove_prefix(name.size() + 1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || end == text.data() + text.size() ||
      *end != after) {
    return false;
  }
  text.remove_prefix(static_cast<size_t>(end - text.data()) + 1);
  return true;
}

// The parameters of an argon2id v=19 PHC string; nullopt when it is not one.
std::optional<PasswordHashParams> ReadParams(std::string_view encoded) {
  constexpr std::string_view kPrefix = "$argon2id$v=19$";
  if (encoded.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  encoded.remove_prefix(kPrefix.size());
  PasswordHashParams params;
  if (!ReadParam(encoded, "m", ',', params.memory_kib) ||
      !ReadParam(encoded, "t", ',', params.time_cost) ||
      !ReadParam(encoded, "p", '$', params.parallelism)) {
    return std::nullopt;
  }
  return params;
}

}  // namespace

Result<std::string> HashPasswordWithParams(std::string_view password,
                                           const PasswordHashParams& params) {
  if (password.size() > kMaxPasswordBytes) return TooLong();
  std::array<uint8_t, kSaltBytes> salt;
  SecureRandomBytes(salt);
  std::string encoded(argon2_encodedlen(params.time_cost, params.memory_kib, params.parallelism,
                                        kSaltBytes, kHashBytes, Argon2_id),
                      '\0');
  const int rc = argon2id_hash_encoded(params.time_cost, params.memory_kib, params.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return Error{ErrorCode::kInternal,
                 std::string("argon2id hashing failed: ") + argon2_error_message(rc), ""};
  }
  encoded.resize(encoded.find('\0'));  // the length above counts the terminator
  return encoded;
}

Result<std::string> HashPassword(std::string_view password) {
  return HashPasswordWithParams(password, kPasswordHashParams);
}

bool VerifyPassword(std::string_view password, std::string_view encoded) {
  if (password.size() > kMaxPasswordBytes) return false;
  const std::optional<PasswordHashParams> params = ReadParams(encoded);
  if (!params || params->memory_kib > kMaxVerifyMemoryKib ||
      params->time_cost > kMaxVerifyTimeCost || params->parallelism > kMaxVerifyParallelism) {
    return false;
  }
  const std::string terminated(encoded);  // argon2 wants a C string
  if (terminated.find('\0') != std::string::npos) return false;
  return argon2id_verify(terminated.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool PasswordHashNeedsRehash(std::string_view encoded) {
  const std::optional<PasswordHashParams> params = ReadParams(encoded);
  return !params || params->memory_kib != kPasswordHashParams.memory_kib ||
         params->time_cost != kPasswordHashParams.time_cost ||
         params->parallelism != kPasswordHashParams.parallelism;
}

const std::string& DummyPasswordHash() {
  static const std::string hash = [] {
    Result<std::string> result = HashPassword(GeneratePassword());
    HOTLINE_CHECK(result.ok(), "hashing the dummy password failed");
    return std::move(result).value();
  }();
  return hash;
}

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) return TooLong();
  size_t chars = 0;
  for (char c : password) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;  // not a UTF-8 continuation
  }
  if (chars < kMinPasswordChars) {
    return Error::InvalidArgument(
        "password must be at least " + std::to_string(kMinPasswordChars) + " characters",
        "password");
  }
  return Status::Ok();
}

std::string GeneratePassword() {
  std::string password;
  password.reserve(kGeneratedPasswordLength);
  for (size_t i = 0; i < kGeneratedPasswordLength; ++i) {
    password += kUnambiguous[SecureRandomBelow(static_cast<unsigned>(kUnambiguous.size()))];
  }
  return password;
}

}  // namespace hotline::api::auth
