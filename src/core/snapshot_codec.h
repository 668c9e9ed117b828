// The byte layer of snapshots (Engine::SaveState, analytics::KpiFold::Save): little-endian
// fixed-width integers, length-prefixed strings, and an envelope that makes a blob
// self-checking.
//
// Envelope (32 bytes, then the payload):
//   magic     8 bytes   names the kind of blob ("HLENGINE", "HLKPIFLD")
//   version   u32       of the payload layout; a reader accepts exactly the versions it knows
//   reserved  u32       0
//   length    u64       payload bytes that follow
//   checksum  u64       Checksum(payload)
//
// Errors: a blob of another kind or version is InvalidArgument; one that is truncated, has bytes
// after its payload or fails its checksum is DataLoss. SnapshotReader never reads past its input:
// a read beyond the end, a count larger than the bytes left could hold, or a value out of its
// range makes the reader fail (the first failure is kept, later reads return zeros) and the
// decoder returns error() — DataLoss naming what was being read and the byte offset.
//
// Thread-safety: none needed; plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace hotline::core {

inline constexpr size_t kSnapshotHeaderBytes = 32;
// Instants and durations in snapshots stay within +-2^61 us (73,000 years) of the epoch, so that
// the engine's differences and sums of them cannot overflow.
inline constexpr int64_t kSnapshotMaxMicros = int64_t{1} << 61;

// 64-bit hash of `bytes` (xxHash64's single-lane rounds): detects corruption, not tampering.
uint64_t Checksum(std::string_view bytes);

Error DataLossError(std::string message, std::string field = {});

class SnapshotWriter {
 public:
  // `magic` is exactly 8 bytes. The header is written now and completed by Seal.
  SnapshotWriter(std::string_view magic, uint32_t version);

  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { Fixed(v, 2); }
  void U32(uint32_t v) { Fixed(v, 4); }
  void U64(uint64_t v) { Fixed(v, 8); }
  void I32(int32_t v) { Fixed(static_cast<uint32_t>(v), 4); }
  void I64(int64_t v) { Fixed(static_cast<uint64_t>(v), 8); }
  void F64(double v);
  void Bool(bool v) { U8(v ? 1 : 0); }
  void Str(std::string_view s);
  void Time(Instant t) { I64(ToMicros(t)); }
  void Span(Duration d) { I64(d.count()); }
  void Reserve(size_t bytes) { out_.reserve(bytes); }

  // The whole blob: header (length and checksum filled in) and payload.
  std::string Seal() &&;

 private:
  void Fixed(uint64_t v, int bytes);
  std::string out_;
};

class SnapshotReader {
 public:
  // Checks the envelope of `blob` (kind `what`, e.g. "engine snapshot") and reads its payload.
  // When the envelope is wrong, ok() is false and error() says why (see the header comment).
  SnapshotReader(std::string_view blob, std::string_view magic, uint32_t version, std::string what);

  uint8_t U8();
  uint16_t U16();
  uint32_t U32();
  uint64_t U64();
  int32_t I32() { return static_cast<int32_t>(U32()); }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  double F64();  // fails unless finite
  bool Bool();   // fails unless 0 or 1
  std::string Str();
  Instant Time();   // fails outside +-kSnapshotMaxMicros
  Duration Span();  // likewise
  // A u8 that must be <= max (an enum's last value).
  template <typename E>
  E Enum(E max, const char* what) {
    uint8_t v = U8();
    if (v > static_cast<uint8_t>(max)) Fail(std::string(what) + " out of range");
    return ok() ? static_cast<E>(v) : E{};
  }
  // A u32 count of items each taking at least `min_bytes` (> 0) in the input: fails when the
  // bytes left cannot hold them, so a corrupt count never allocates.
  uint32_t Count(size_t min_bytes, const char* what);

  // Records the first failure: `message` names what was wrong.
  void Fail(std::string message);
  // Names what is being read, for error messages ("agent 12").
  void Context(std::string context) { context_ = std::move(context); }
  bool ok() const { return ok_; }
  bool AtEnd() const { return pos_ == end_; }
  // The first failure (DataLoss, or InvalidArgument for a wrong kind or version).
  const Error& error() const { return error_; }

 private:
  const char* Take(size_t n);
  std::string what_;
  std::string context_;
  const char* begin_ = nullptr;  // of the payload
  const char* pos_ = nullptr;
  const char* end_ = nullptr;
  bool ok_ = true;
  Error error_;
};

}  // namespace hotline::core
