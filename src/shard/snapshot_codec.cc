#include "shard/snapshot_codec.h"

namespace hotline::shard {
namespace {

void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetU64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

Error Damaged(const std::string& what) {
  return Error{ErrorCode::kDataLoss, "the snapshot is damaged: " + what, ""};
}

}  // namespace

std::string PackSections(const std::vector<std::string>& sections) {
  size_t size = kSnapshotMagic.size() + 8;
  for (const auto& s : sections) size += 8 + s.size();
  std::string out;
  out.reserve(size);
  out += kSnapshotMagic;
  PutU64(out, sections.size());
  for (const auto& s : sections) {
    PutU64(out, s.size());
    out += s;
  }
  return out;
}

Result<std::vector<std::string_view>> UnpackSections(std::string_view blob) {
  if (!blob.starts_with(kSnapshotMagic)) return Damaged("not a hotline snapshot");
  blob.remove_prefix(kSnapshotMagic.size());
  if (blob.size() < 8) return Damaged("no section count");
  uint64_t count = GetU64(blob);
  blob.remove_prefix(8);
  if (count > 1024) return Damaged("too many sections");
  std::vector<std::string_view> sections;
  for (uint64_t i = 0; i < count; ++i) {
    if (blob.size() < 8) return Damaged("section " + std::to_string(i) + " has no length");
    uint64_t n = GetU64(blob);
    blob.remove_prefix(8);
    if (n > blob.size()) return Damaged("section " + std::to_string(i) + " is cut short");
    sections.push_back(blob.substr(0, n));
    blob.remove_prefix(n);
  }
  if (!blob.empty()) return Damaged("bytes after the last section");
  return sections;
}

}  // namespace hotline::shard
