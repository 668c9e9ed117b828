#include "core/snapshot_codec.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <optional>

namespace hotline::core {
namespace {

constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;
constexpr uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
constexpr uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

uint64_t Load(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = Load(p, 8);
  return v;
}

}  // namespace

uint64_t Checksum(std::string_view bytes) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  uint64_t h = kPrime5 + n;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t k = std::rotl(Load64(p) * kPrime2, 31) * kPrime1;
    h = std::rotl(h ^ k, 27) * kPrime1 + kPrime4;
  }
  for (; n > 0; ++p, --n) {
    h ^= static_cast<unsigned char>(*p) * kPrime5;
    h = std::rotl(h, 11) * kPrime1;
  }
  h ^= h >> 33;
  h *= kPrime2;
  h ^= h >> 29;
  h *= kPrime3;
  h ^= h >> 32;
  return h;
}

Error DataLossError(std::string message, std::string field) {
  return Error{ErrorCode::kDataLoss, std::move(message), std::move(field)};
}

// ---- SnapshotWriter ---------------------------------------------------------------------------

SnapshotWriter::SnapshotWriter(std::string_view magic, uint32_t version) {
  HOTLINE_CHECK(magic.size() == 8, "snapshot magic must be 8 bytes");
  out_.append(magic);
  U32(version);
  U32(0);
  U64(0);  // length, by Seal
  U64(0);  // checksum, by Seal
}

void SnapshotWriter::Fixed(uint64_t v, int bytes) {
  char b[8];
  for (int i = 0; i < bytes; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out_.append(b, static_cast<size_t>(bytes));
}

void SnapshotWriter::F64(double v) { U64(std::bit_cast<uint64_t>(v)); }

void SnapshotWriter::Str(std::string_view s) {
  HOTLINE_CHECK(s.size() <= UINT32_MAX, "string too long for a snapshot");
  U32(static_cast<uint32_t>(s.size()));
  out_.append(s);
}

std::string SnapshotWriter::Seal() && {
  std::string_view payload = std::string_view(out_).substr(kSnapshotHeaderBytes);
  uint64_t length = payload.size();
  uint64_t checksum = Checksum(payload);
  for (int i = 0; i < 8; ++i) {
    out_[16 + i] = static_cast<char>(length >> (8 * i));
    out_[24 + i] = static_cast<char>(checksum >> (8 * i));
  }
  return std::move(out_);
}

// ---- SnapshotReader ---------------------------------------------------------------------------

namespace {

// Checks the envelope; on success sets `payload`.
std::optional<Error> OpenEnvelope(std::string_view blob, std::string_view magic, uint32_t version,
                                  const std::string& what, std::string_view* payload) {
  auto truncated = [&] {
    return DataLossError(what + ": truncated (" + std::to_string(blob.size()) +
                         " bytes, the header alone takes " + std::to_string(kSnapshotHeaderBytes) +
                         ")");
  };
  if (blob.size() < 8 || blob.substr(0, 8) != magic) {
    // A prefix of the magic is a truncated blob of the right kind; anything else is not one.
    if (blob.size() < 8 && blob == magic.substr(0, blob.size())) return truncated();
    return Error::InvalidArgument("not an " + what + " (wrong magic)", "state");
  }
  if (blob.size() < kSnapshotHeaderBytes) return truncated();
  const char* h = blob.data();
  uint64_t got_version = Load(h + 8, 4);
  if (got_version != version) {
    return Error::InvalidArgument(what + " version " + std::to_string(got_version) +
                                      " is not supported (this build reads version " +
                                      std::to_string(version) + ")",
                                  "state");
  }
  if (Load(h + 12, 4) != 0) return DataLossError(what + ": reserved header bytes are not 0");
  uint64_t length = Load(h + 16, 8);
  uint64_t checksum = Load(h + 24, 8);
  uint64_t have = blob.size() - kSnapshotHeaderBytes;
  if (length != have) {
    return DataLossError(what + ": the header announces " + std::to_string(length) +
                         " payload bytes, " + std::to_string(have) + " follow" +
                         (length > have ? " (truncated)" : ""));
  }
  *payload = blob.substr(kSnapshotHeaderBytes);
  if (Checksum(*payload) != checksum) {
    return DataLossError(what + ": checksum mismatch (the bytes are corrupt)");
  }
  return std::nullopt;
}

}  // namespace

SnapshotReader::SnapshotReader(std::string_view blob, std::string_view magic, uint32_t version,
                               std::string what)
    : what_(std::move(what)) {
  std::string_view payload;
  if (std::optional<Error> e = OpenEnvelope(blob, magic, version, what_, &payload)) {
    ok_ = false;
    error_ = std::move(*e);
    return;
  }
  begin_ = payload.data();
  pos_ = begin_;
  end_ = begin_ + payload.size();
}

void SnapshotReader::Fail(std::string message) {
  if (!ok_) return;
  ok_ = false;
  std::string where = context_.empty() ? "" : " in " + context_;
  error_ = DataLossError(what_ + ": " + message + where + " (payload byte " +
                         std::to_string(pos_ - begin_) + ")");
}

const char* SnapshotReader::Take(size_t n) {
  if (!ok_) return nullptr;
  if (static_cast<size_t>(end_ - pos_) < n) {
    Fail("truncated");
    return nullptr;
  }
  const char* p = pos_;
  pos_ += n;
  return p;
}

uint8_t SnapshotReader::U8() {
  const char* p = Take(1);
  return p ? static_cast<uint8_t>(*p) : 0;
}
uint16_t SnapshotReader::U16() {
  const char* p = Take(2);
  return p ? static_cast<uint16_t>(Load(p, 2)) : 0;
}
uint32_t SnapshotReader::U32() {
  const char* p = Take(4);
  return p ? static_cast<uint32_t>(Load(p, 4)) : 0;
}
uint64_t SnapshotReader::U64() {
  const char* p = Take(8);
  return p ? Load(p, 8) : 0;
}

double SnapshotReader::F64() {
  double v = std::bit_cast<double>(U64());
  if (!std::isfinite(v)) {
    Fail("a number is not finite");
    return 0;
  }
  return v;
}

bool SnapshotReader::Bool() {
  uint8_t v = U8();
  if (v > 1) Fail("a flag is neither 0 nor 1");
  return v == 1;
}

std::string SnapshotReader::Str() {
  uint32_t n = U32();
  const char* p = Take(n);
  return p ? std::string(p, n) : std::string();
}

Instant SnapshotReader::Time() {
  int64_t us = I64();
  if (us < -kSnapshotMaxMicros || us > kSnapshotMaxMicros) {
    Fail("an instant is out of range");
    return Instant{};
  }
  return FromMicros(us);
}

Duration SnapshotReader::Span() {
  int64_t us = I64();
  if (us < -kSnapshotMaxMicros || us > kSnapshotMaxMicros) {
    Fail("a duration is out of range");
    return Duration(0);
  }
  return Duration(us);
}

uint32_t SnapshotReader::Count(size_t min_bytes, const char* what) {
  uint32_t n = U32();
  if (ok_ && n > static_cast<size_t>(end_ - pos_) / min_bytes) {
    Fail(std::string("count of ") + what + " (" + std::to_string(n) +
         ") exceeds what the bytes left can hold");
    return 0;
  }
  return ok_ ? n : 0;
}

}  // namespace hotline::core
