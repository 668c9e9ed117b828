// The running center's configuration as a document: a JSON tree in hotline.yaml's schema
// (docs/configuration.md), the same objects the API reads and edits (skills, queues, agents...).
//
// The document is the source; the engine's CenterDefinition is derived from it by the same parser
// that reads hotline.yaml, so a queue created through the API is checked exactly like one written
// in the file, and the error names the field ("plan[0].requirements").
//
// Indices are stable: an edit replaces an object in place or appends a new one, and a deleted
// skill, queue or agent stays in the definition as a tombstone the API no longer shows (the
// engine's indices never move; see core::Engine::Reconfigure). Re-creating a deleted id revives
// it. Dispositions are not indexed by the engine and are removed outright.
//
// API-only keys (an agent's `user_id`) live in the document and are left out of what the parser
// sees.
//
// Thread-safety: a value type; each instance belongs to one thread.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "base/result.h"
#include "core/center.h"

namespace hotline::shard {

// The kinds of object the API edits in the document.
enum class Section : uint8_t { kSkills, kQueues, kAgents, kDispositions };
std::string_view SectionName(Section s);  // "skills", "queues", ...

class CenterDocument {
 public:
  // Reads a hotline.yaml text. Errors name the file, line, column and key.
  static Result<CenterDocument> FromYaml(std::string_view text, std::string_view file_name);
  // A document as stored in the log (FromYaml's json() plus tombstones).
  static Result<CenterDocument> FromStored(const nlohmann::json& stored);

  // What the log stores: {"doc": {...}, "deleted": {"skills": [...], "queues": [...],
  // "agents": [...]}}.
  nlohmann::json Stored() const;

  const core::CenterDefinition& center() const { return *center_; }
  const nlohmann::json& doc() const { return doc_; }

  // The object `id` of `section` (nullptr when absent or deleted).
  const nlohmann::json* Find(Section section, std::string_view id) const;
  bool IsDeleted(Section section, std::string_view id) const;
  // Every live object of `section`, in definition order.
  nlohmann::json List(Section section) const;

  // Creates or replaces object `id` with `body` (a JSON object in the file's schema; its "id", if
  // present, must equal `id`). Returns the new document, or an error whose field is the key path
  // inside `body` ("plan[0].requirements"); *this is unchanged either way.
  Result<CenterDocument> Put(Section section, std::string_view id, nlohmann::json body) const;
  // Deletes object `id`: refused (kFailedPrecondition) while another object refers to it.
  Result<CenterDocument> Delete(Section section, std::string_view id) const;

 private:
  // Tombstones by section (skills, queues, agents).
  using Tombstones = std::map<Section, std::set<std::string>>;
  static Result<CenterDocument> Build(nlohmann::json doc, Tombstones deleted,
                                      std::string_view file_name, std::string_view section_prefix);

  nlohmann::json doc_;
  Tombstones deleted_;
  std::shared_ptr<const core::CenterDefinition> center_;
};

// YAML text -> JSON tree: maps, lists, and scalars typed as YAML 1.2 core schema reads them
// (null, true/false, integers, floats, strings; quoted scalars stay strings).
Result<nlohmann::json> YamlToJson(std::string_view text);

}  // namespace hotline::shard
