#include "config/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace hotline::config::internal {

using core::Expression;
using core::Value;

namespace {

// Edits (insert, delete, replace, swap two neighbours) between two short strings.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// A plain (unquoted, untagged) scalar, or one explicitly tagged `core_tag`: only these are read as
// numbers and booleans, as YAML itself does ("5" in quotes is a string).
bool IsUntypedOr(const YAML::Node& node, std::string_view core_tag) {
  const std::string& tag = node.Tag();
  return tag == "?" || tag == core_tag;
}

// Durations as ParseDuration reads them, also compound ("1h30m", as FormatDuration writes them).
Result<Duration> ParseCompoundDuration(std::string_view text) {
  Result<Duration> simple = ParseDuration(text);
  if (simple.ok()) return simple;
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    bool letter_before = std::isalpha(static_cast<unsigned char>(text[i - 1])) != 0;
    bool digit_here = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (letter_before && digit_here) {
      parts.push_back(text.substr(start, i - start));
      start = i;
    }
  }
  parts.push_back(text.substr(start));
  if (parts.size() == 1) return simple;
  Duration total{0};
  for (std::string_view part : parts) {
    Result<Duration> d = ParseDuration(part);
    if (!d.ok() || std::isalpha(static_cast<unsigned char>(part.back())) == 0) {
      return Error::InvalidArgument("'" + std::string(text) +
                                    "' is not a duration (use e.g. 20s, 3m, 1h30m, 1.5h or a "
                                    "number of seconds)");
    }
    if (*d > Duration::max() - total) return Error::InvalidArgument("duration too large");
    total += *d;
  }
  return total;
}

// Records where each document starts, without building nodes.
class DocumentCounter : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

std::string Join(const Names& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string DidYouMean(std::string_view got, const Names& candidates) {
  if (got.size() > 64) return {};
  size_t limit = got.size() <= 4 ? 1 : 2;
  std::string_view best;
  size_t best_distance = limit + 1;
  for (std::string_view c : candidates) {
    if (c.size() > 64 || c.size() + limit < got.size() || got.size() + limit < c.size()) continue;
    size_t d = EditDistance(got, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (best.empty()) return {};
  return ", did you mean '" + std::string(best) + "'?";
}

std::string Quote(std::string_view text) {
  constexpr size_t kMax = 60;
  bool cut = text.size() > kMax;
  if (cut) {
    size_t end = kMax;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text = text.substr(0, end);
  }
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      out += '?';
    } else {
      out += ch;
    }
  }
  if (cut) out += "...";
  return out + "'";
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return Quote(node.Scalar());
    default:
      return "nothing";
  }
}

bool IsIdChar(char c, bool strict) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
    return true;
  }
  return !strict && (c == '-' || c == '.' || c == '@');
}

YAML::Mark Locate(const YAML::Node& root, std::string_view path) {
  YAML::Node node = root;
  YAML::Mark mark = root.Mark();
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '.') ++pos;
    if (pos < path.size() && path[pos] == '[') {
      size_t close = path.find(']', pos);
      if (close == std::string_view::npos) break;
      size_t index = 0;
      auto [ptr, ec] = std::from_chars(path.data() + pos + 1, path.data() + close, index);
      if (ec != std::errc() || !node.IsSequence() || index >= node.size()) break;
      auto it = node.begin();
      std::advance(it, index);
      node.reset(*it);  // reset, not `=`: assigning a yaml-cpp Node rewrites the document
      if (!node.Mark().is_null()) mark = node.Mark();
      pos = close + 1;
      continue;
    }
    size_t end = path.find_first_of(".[", pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view name = path.substr(pos, end - pos);
    if (!node.IsMap()) break;
    bool found = false;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == name) {
        mark = it->first.Mark();
        node.reset(it->second);
        found = true;
        break;
      }
    }
    if (!found) break;
    pos = end;
  }
  return mark;
}

Result<std::string> ReadFileText(const std::string& path, size_t max_bytes,
                                 std::string_view too_large) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    int error = errno;
    std::string message = "cannot open " + path + ": " + std::strerror(error);
    if (error == ENOENT) return Error::NotFound(message);
    return Error{ErrorCode::kInternal, message, ""};
  }
  std::string text;
  char buffer[64 * 1024];
  bool failed = false;
  while (text.size() <= max_bytes) {
    size_t n = std::fread(buffer, 1, sizeof buffer, file);
    text.append(buffer, n);
    if (n < sizeof buffer) {
      failed = std::ferror(file) != 0;
      break;
    }
  }
  int error = errno;
  std::fclose(file);
  if (failed) {
    return Error{ErrorCode::kInternal, "cannot read " + path + ": " + std::strerror(error), ""};
  }
  if (text.size() > max_bytes) return Error::InvalidArgument(path + ": " + std::string(too_large));
  return text;
}

std::vector<ConfigProblem> CollectProblems(
    std::string_view file_name,
    const std::function<void(std::vector<ConfigProblem>* problems, bool* truncated)>& parse) {
  std::vector<ConfigProblem> problems;
  bool truncated = false;
  try {
    parse(&problems, &truncated);
  } catch (const std::exception& e) {
    problems.push_back({std::string(file_name), 0, 0, "",
                        std::string("internal error while reading the file: ") + e.what()});
  } catch (...) {
    problems.push_back({std::string(file_name), 0, 0, "", "internal error while reading the file"});
  }
  std::stable_sort(problems.begin(), problems.end(),
                   [](const ConfigProblem& a, const ConfigProblem& b) {
                     return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                   });
  // A second reader (sim's inline center) may add its own: keep the total bounded.
  if (problems.size() > kMaxProblems) {
    problems.resize(kMaxProblems);
    truncated = true;
  }
  if (truncated) {
    problems.push_back({std::string(file_name), 0, 0, "",
                        "too many problems; stopped after " + std::to_string(kMaxProblems)});
  }
  return problems;
}

void YamlReader::Report(const YAML::Mark& mark, std::string key, std::string message) {
  if (stopped_) return;
  ConfigProblem p;
  p.file = file_;
  p.line = mark.is_null() ? 0 : mark.line + 1;
  p.column = mark.is_null() ? 0 : mark.column + 1;
  p.key = std::move(key);
  p.message = std::move(message);
  problems_.push_back(std::move(p));
  if (problems_.size() >= kMaxProblems) {
    truncated_ = true;
    stopped_ = true;
  }
}

bool YamlReader::Spend() {
  if (stopped_) return false;
  if (++values_ > kMaxValues) {
    Report(YAML::Mark::null_mark(), "",
           "the file expands to more than " + std::to_string(kMaxValues) +
               " values (through aliases?); refusing to read it");
    stopped_ = true;
    return false;
  }
  return true;
}

YamlReader::SecondDocument YamlReader::CheckSingleDocument(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentCounter counter;
  while (counter.starts.size() < 2 && parser.HandleNextDocument(counter)) {
  }
  if (counter.starts.size() < 2) return SecondDocument::kNone;
  const YAML::Mark& second = counter.starts[1];
  size_t at = second.pos < 0 ? text.size() : static_cast<size_t>(second.pos);
  if (at < text.size() && text.compare(at, 3, "---") == 0) {
    Report(second, "", "only one YAML document is allowed (found a second '---')");
    return SecondDocument::kDocument;
  }
  std::string found = at < text.size() ? Quote(text.substr(at, 1)) : "content";
  Report(second, "",
         "YAML syntax error: unexpected " + found +
             (second.pos == counter.starts[0].pos ? "" : " after the end of the document"));
  return SecondDocument::kStrayContent;
}

bool YamlReader::LoadDocument(std::string_view text, YAML::Node* out) {
  const std::string input(text);
  try {
    if (CheckSingleDocument(input) == SecondDocument::kStrayContent) return false;
    out->reset(YAML::Load(input));
  } catch (const YAML::Exception& e) {
    Report(e.mark, "", "YAML syntax error: " + e.msg);
    return false;
  }
  return true;
}

bool YamlReader::Map(const Spot& at, const Names& allowed, std::string_view what, Fields* out,
                     bool open) {
  out->self.node.reset(at.node);
  out->self.mark = at.mark;
  out->self.path = at.path;
  out->entries.clear();
  if (at.node.IsNull()) return true;
  if (!at.node.IsMap()) {
    std::string expected = "expected " + std::string(what);
    if (!open) expected += " (a map with keys " + Join(allowed) + ")";
    Report(at, expected + ", got " + Describe(at.node));
    return false;
  }
  std::map<std::string, int, std::less<>> first_line;
  for (auto it = at.node.begin(); it != at.node.end(); ++it) {
    if (!Spend()) return false;
    YAML::Node key = it->first;  // copies: `it->` yields a temporary
    YAML::Node value = it->second;
    if (!key.IsScalar()) {
      Report(key.Mark(), at.path, "keys must be plain names, got " + Describe(key));
      continue;
    }
    const std::string& name = key.Scalar();
    Spot spot = Child(at, key, value, name);
    if (!open && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      Report(key.Mark(), spot.path,
             "unknown key " + Quote(name) + DidYouMean(name, allowed) +
                 " (allowed: " + Join(allowed) + ")");
      continue;
    }
    auto [seen, inserted] = first_line.emplace(name, key.Mark().line + 1);
    if (!inserted) {
      Report(key.Mark(), spot.path,
             "key " + Quote(name) + " appears twice (first on line " +
                 std::to_string(seen->second) + ")");
      continue;
    }
    out->entries.push_back({name, key, std::move(spot)});
  }
  return true;
}

bool YamlReader::List(const Spot& at, std::string_view what, std::vector<Spot>* items) {
  items->clear();
  if (at.node.IsNull()) return true;
  if (!at.node.IsSequence()) {
    Report(at, "expected " + std::string(what) + ", got " + Describe(at.node));
    return false;
  }
  size_t i = 0;
  for (auto it = at.node.begin(); it != at.node.end(); ++it, ++i) {
    if (!Spend()) return false;
    YAML::Node item = *it;
    YAML::Mark mark = item.IsNull() || item.Mark().is_null() ? at.mark : item.Mark();
    std::string path = at.path + "[" + std::to_string(i) + "]";
    items->push_back({item, mark, std::move(path)});
  }
  return true;
}

std::optional<std::string> YamlReader::String(const Spot& at) {
  if (!at.node.IsScalar()) {
    Report(at, "expected a string, got " + Describe(at.node));
    return std::nullopt;
  }
  return at.node.Scalar();
}

std::optional<std::string> YamlReader::Id(const Spot& at, bool strict) {
  std::optional<std::string> id = String(at);
  if (!id) return std::nullopt;
  if (id->empty()) {
    Report(at, "an id must not be empty");
    return std::nullopt;
  }
  if (id->size() > kMaxIdLength) {
    Report(at, "an id must be at most " + std::to_string(kMaxIdLength) + " characters");
    return std::nullopt;
  }
  for (char c : *id) {
    if (!IsIdChar(c, strict)) {
      Report(at, "id " + Quote(*id) +
                     (strict ? " may hold only letters, digits and '_' (expressions read it as "
                               "agent.skill.<id>)"
                             : " may hold only letters, digits and '_', '-', '.', '@'"));
      return std::nullopt;
    }
  }
  return id;
}

std::optional<int64_t> YamlReader::Int(const Spot& at, int64_t min, int64_t max) {
  const std::string& text = at.node.Scalar();
  int64_t value = 0;
  bool parsed = false;
  if (at.node.IsScalar() && IsUntypedOr(at.node, "tag:yaml.org,2002:int") && !text.empty()) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (*begin == '+') ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc::result_out_of_range) {
      Report(at, "integer " + Quote(text) + " is out of range");
      return std::nullopt;
    }
    parsed = ec == std::errc() && ptr == end;
  }
  if (!parsed) {
    std::string got = Describe(at.node);
    if (at.node.IsScalar() && !IsUntypedOr(at.node, "tag:yaml.org,2002:int")) {
      got = "the string " + got;
    }
    Report(at, "expected an integer, got " + got);
    return std::nullopt;
  }
  if (value < min) {
    Report(at, min == 0 ? "must not be negative (got " + text + ")"
                        : "must be at least " + std::to_string(min) + " (got " + text + ")");
    return std::nullopt;
  }
  if (value > max) {
    Report(at, "must be at most " + std::to_string(max) + " (got " + text + ")");
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlReader::Number(const Spot& at) {
  const std::string& text = at.node.Scalar();
  double value = 0;
  bool parsed = false;
  if (at.node.IsScalar() &&
      (IsUntypedOr(at.node, "tag:yaml.org,2002:float") ||
       IsUntypedOr(at.node, "tag:yaml.org,2002:int")) &&
      !text.empty()) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (*begin == '+') ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    parsed = ec == std::errc() && ptr == end && std::isfinite(value);
  }
  if (!parsed) {
    Report(at, "expected a number, got " + Describe(at.node));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlReader::Bool(const Spot& at) {
  if (at.node.IsScalar() && IsUntypedOr(at.node, "tag:yaml.org,2002:bool")) {
    const std::string& text = at.node.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  Report(at, "expected true or false, got " + Describe(at.node));
  return std::nullopt;
}

std::optional<Duration> YamlReader::DurationValue(const Spot& at, bool positive) {
  if (!at.node.IsScalar()) {
    Report(at, "expected a duration (e.g. 20s, 3m, 1.5h or a number of seconds), got " +
                   Describe(at.node));
    return std::nullopt;
  }
  const std::string& text = at.node.Scalar();
  if (!text.empty() && text[0] == '-') {
    Report(at, "a duration must not be negative (got " + Quote(text) + ")");
    return std::nullopt;
  }
  Result<Duration> d = ParseCompoundDuration(text);
  if (!d.ok()) {
    Report(at, d.error().message);
    return std::nullopt;
  }
  if (positive && *d <= Duration::zero()) {
    Report(at, "a duration must be positive here (got " + Quote(text) + ")");
    return std::nullopt;
  }
  return *d;
}

std::optional<Expression> YamlReader::ExpressionValue(const Spot& at) {
  std::optional<std::string> text = String(at);
  if (!text) return std::nullopt;
  Result<Expression> e = Expression::Parse(*text);
  if (!e.ok()) {
    Report(at, "bad expression " + Quote(*text) + ": " + e.error().message);
    return std::nullopt;
  }
  return std::move(e).value();
}

std::optional<Value> YamlReader::AttributeValue(const Spot& at, bool allow_list) {
  const YAML::Node& n = at.node;
  if (n.IsNull()) return Value();
  if (n.IsScalar()) {
    const std::string& text = n.Scalar();
    if (n.Tag() == "?") {
      if (text == "true" || text == "True" || text == "TRUE") return Value(true);
      if (text == "false" || text == "False" || text == "FALSE") return Value(false);
      if (text == "null" || text == "Null" || text == "NULL" || text == "~") return Value();
      double d = 0;
      const char* begin = text.data();
      const char* end = begin + text.size();
      if (!text.empty() && *begin == '+') ++begin;
      auto [ptr, ec] = std::from_chars(begin, end, d);
      if (!text.empty() && ec == std::errc() && ptr == end && std::isfinite(d)) return Value(d);
    }
    return Value(text);
  }
  if (n.IsSequence() && allow_list) {
    std::vector<Spot> items;
    if (!List(at, "a list", &items)) return std::nullopt;
    Value::List list;
    for (const Spot& item : items) {
      auto v = AttributeValue(item, false);
      if (!v) return std::nullopt;
      list.push_back(std::move(*v));
    }
    return Value(std::move(list));
  }
  Report(at, std::string(allow_list ? "expected a scalar or a list of scalars"
                                    : "expected a scalar inside an attribute list") +
                 ", got " + Describe(n));
  return std::nullopt;
}

}  // namespace hotline::config::internal
