#include "shard/center_document.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <regex>
#include <utility>

#include "config/center_file.h"

namespace hotline::shard {
namespace {

using nlohmann::json;

// API-only keys of each section: kept in the document, hidden from the parser.
const char* const kApiOnlyAgentKeys[] = {"user_id"};

std::string_view Key(Section s) { return SectionName(s); }

// The sections whose deleted objects stay as tombstones (the engine indexes them).
constexpr Section kTombstoned[] = {Section::kSkills, Section::kQueues, Section::kAgents};

// YAML 1.2 core schema typing of a plain scalar.
json TypedScalar(const std::string& text) {
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (std::regex_match(text, kInt)) {
    int64_t v = 0;
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    auto [p, ec] = std::from_chars(begin, text.data() + text.size(), v);
    if (ec == std::errc() && p == text.data() + text.size()) return v;
    return text;
  }
  if (std::regex_match(text, kFloat)) {
    double v = std::strtod(text.c_str(), nullptr);
    if (std::isfinite(v)) return v;
  }
  return text;
}

json ToJson(const YAML::Node& node, int depth) {
  if (depth > 64) throw YAML::Exception(node.Mark(), "nested too deeply");
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.Scalar()] = ToJson(kv.second, depth + 1);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(ToJson(item, depth + 1));
      return out;
    }
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") return node.Scalar();  // quoted: a string
      return TypedScalar(node.Scalar());
    default:
      return nullptr;
  }
}

json* FindIn(json& list, std::string_view id) {
  if (!list.is_array()) return nullptr;
  for (auto& item : list) {
    if (item.is_object() && item.contains("id") && item["id"].is_string() &&
        item["id"].get_ref<const std::string&>() == id) {
      return &item;
    }
  }
  return nullptr;
}

// The text the parser sees: the document without API-only keys.
std::string ParserText(const json& doc) {
  json copy = doc;
  if (copy.contains("agents") && copy["agents"].is_array()) {
    for (auto& agent : copy["agents"]) {
      if (!agent.is_object()) continue;
      for (const char* key : kApiOnlyAgentKeys) agent.erase(key);
    }
  }
  return copy.dump();
}

}  // namespace

std::string_view SectionName(Section s) {
  switch (s) {
    case Section::kSkills:
      return "skills";
    case Section::kQueues:
      return "queues";
    case Section::kAgents:
      return "agents";
    case Section::kDispositions:
      return "dispositions";
  }
  return "?";
}

Result<json> YamlToJson(std::string_view text) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return ToJson(root, 0);
  } catch (const YAML::Exception& e) {
    return Error::InvalidArgument(e.what());
  } catch (const std::exception& e) {
    return Error::InvalidArgument(e.what());
  }
}

Result<CenterDocument> CenterDocument::FromYaml(std::string_view text, std::string_view file_name) {
  // The file is checked as written first, so its problems carry its own lines and columns.
  core::CenterDefinition center;
  auto problems = config::CheckCenterYaml(text, file_name, &center);
  if (!problems.empty()) {
    return Error::InvalidArgument(config::FormatProblem(problems.front()), problems.front().key);
  }
  auto doc = YamlToJson(text);
  if (!doc.ok()) return doc.error();
  return Build(std::move(*doc), {}, file_name, {});
}

Result<CenterDocument> CenterDocument::FromStored(const json& stored) {
  if (!stored.is_object() || !stored.contains("doc")) {
    return Error::InvalidArgument("stored center has no 'doc'");
  }
  Tombstones deleted;
  if (auto it = stored.find("deleted"); it != stored.end() && it->is_object()) {
    for (Section section : kTombstoned) {
      for (const auto& id : it->value(std::string(Key(section)), json::array())) {
        deleted[section].insert(id.get<std::string>());
      }
    }
  }
  return Build(stored["doc"], std::move(deleted), "log", {});
}

json CenterDocument::Stored() const {
  json deleted = json::object();
  for (Section section : kTombstoned) {
    auto it = deleted_.find(section);
    deleted[std::string(Key(section))] = it == deleted_.end() ? json::array() : json(it->second);
  }
  return json{{"doc", doc_}, {"deleted", std::move(deleted)}};
}

Result<CenterDocument> CenterDocument::Build(json doc, Tombstones deleted,
                                             std::string_view file_name,
                                             std::string_view section_prefix) {
  core::CenterDefinition center;
  auto problems = config::CheckCenterYaml(ParserText(doc), file_name, &center);
  if (!problems.empty()) {
    const config::ConfigProblem& p = problems.front();
    std::string field = p.key;
    if (!section_prefix.empty() && field.starts_with(section_prefix)) {
      field = field.substr(section_prefix.size());
      if (field.starts_with(".")) field.erase(0, 1);
    }
    return Error::InvalidArgument(p.message, field);
  }
  CenterDocument out;
  out.doc_ = std::move(doc);
  out.deleted_ = std::move(deleted);
  out.center_ = std::make_shared<const core::CenterDefinition>(std::move(center));
  return out;
}

bool CenterDocument::IsDeleted(Section section, std::string_view id) const {
  auto it = deleted_.find(section);
  return it != deleted_.end() && it->second.count(std::string(id)) > 0;
}

const json* CenterDocument::Find(Section section, std::string_view id) const {
  if (IsDeleted(section, id)) return nullptr;
  auto it = doc_.find(Key(section));
  if (it == doc_.end()) return nullptr;
  return FindIn(const_cast<json&>(*it), id);
}

json CenterDocument::List(Section section) const {
  json out = json::array();
  auto it = doc_.find(Key(section));
  if (it == doc_.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (!item.is_object() || !item.contains("id") || !item["id"].is_string()) continue;
    if (IsDeleted(section, item["id"].get_ref<const std::string&>())) continue;
    out.push_back(item);
  }
  return out;
}

Result<CenterDocument> CenterDocument::Put(Section section, std::string_view id, json body) const {
  if (!body.is_object()) {
    return Error::InvalidArgument("the body must be a JSON object", "body");
  }
  if (auto it = body.find("id"); it != body.end()) {
    if (!it->is_string() || it->get_ref<const std::string&>() != id) {
      return Error::InvalidArgument("'id' must be \"" + std::string(id) + "\", as in the path",
                                    "id");
    }
  }
  body["id"] = std::string(id);
  json doc = doc_;
  json& list = doc[std::string(Key(section))];
  if (list.is_null()) list = json::array();
  size_t index = list.size();
  if (json* existing = FindIn(list, id)) {
    index = static_cast<size_t>(existing - &list[0]);
    *existing = std::move(body);
  } else {
    list.push_back(std::move(body));
  }
  Tombstones deleted = deleted_;
  if (auto it = deleted.find(section); it != deleted.end()) it->second.erase(std::string(id));
  std::string prefix = std::string(Key(section)) + "[" + std::to_string(index) + "]";
  return Build(std::move(doc), std::move(deleted), "body", prefix);
}

Result<CenterDocument> CenterDocument::Delete(Section section, std::string_view id) const {
  if (Find(section, id) == nullptr) {
    return Error::NotFound(std::string(Key(section)).substr(0, Key(section).size() - 1) + " '" +
                               std::string(id) + "' does not exist",
                           "id");
  }
  // A reference to it anywhere shows as a parse problem once it is gone.
  json without = doc_;
  json& list = without[std::string(Key(section))];
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_object() && list[i].value("id", "") == id) {
      list.erase(i);
      break;
    }
  }
  core::CenterDefinition scratch;
  auto problems = config::CheckCenterYaml(ParserText(without), "center", &scratch);
  if (!problems.empty()) {
    return Error::FailedPrecondition("'" + std::string(id) + "' is still used at " +
                                         problems.front().key + " (" + problems.front().message +
                                         ")",
                                     "id");
  }
  if (section == Section::kDispositions) return Build(std::move(without), deleted_, "center", {});
  // Skills, queues and agents keep their index: a tombstone the API no longer shows.
  Tombstones deleted = deleted_;
  deleted[section].insert(std::string(id));
  return Build(doc_, std::move(deleted), "center", {});
}

}  // namespace hotline::shard
