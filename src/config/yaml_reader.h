// A typed reader over a parsed YAML document, for untrusted config files (internal to config).
//
// Each reader (Map, List, String, Int, DurationValue, ...) takes a Spot — a node with its mark and
// key path — and either returns the typed value or records one ConfigProblem naming the line,
// column and key path, and returns nullopt / false. Nothing here throws for bad input, except
// CheckSingleDocument on a YAML syntax error (the parsers catch it); yaml-cpp's own failures
// (memory) can escape, and center_file.cc and sim's scenario_file.cc catch those.
//
// Past kMaxProblems problems, or kMaxValues values read (YAML aliases can make a small file expand
// to billions of values), the reader stops: it records nothing more and `stopped()` turns true.
//
// Thread-safety: one reader per parse; not for concurrent use.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "config/center_file.h"
#include "core/expression.h"

namespace hotline::config::internal {

using Names = std::vector<std::string_view>;

template <typename E>
using Choices = std::vector<std::pair<std::string_view, E>>;

// Past these the loader stops: a file with hundreds of mistakes is not worth listing in full, and
// YAML aliases can make a small file expand to billions of values.
inline constexpr size_t kMaxProblems = 100;
inline constexpr int64_t kMaxValues = 1'000'000;
inline constexpr size_t kMaxIdLength = 64;
// Bounds for integers that are not counts (priorities, weights): far from int overflow when the
// engine adds them up.
inline constexpr int64_t kMaxMagnitude = 1'000'000;

template <typename E>
Names ChoiceNames(const Choices<E>& choices) {
  Names names;
  for (const auto& [name, value] : choices) names.push_back(name);
  return names;
}

// "a, b, c".
std::string Join(const Names& names);
// ", did you mean 'agent_order'?" for a near miss, else nothing.
std::string DidYouMean(std::string_view got, const Names& candidates);
// 'text' for messages: control characters escaped, long text cut (at a UTF-8 boundary).
std::string Quote(std::string_view text);
// "a map", "a list", a quoted scalar or "nothing".
std::string Describe(const YAML::Node& node);
// Letters, digits and '_'; unless `strict`, also '-', '.', '@'.
bool IsIdChar(char c, bool strict);
// Where a key path ("queues[0].plan[1].rings") is written in the document: the mark of the
// deepest part found.
YAML::Mark Locate(const YAML::Node& root, std::string_view path);

// Reads the file at `path`, at most max_bytes + 1 bytes, so a huge or endless file (a device) is
// refused without reading it all. A missing file is NotFound ("cannot open <path>: <strerror>"),
// any other open or read failure Internal, and a file larger than `max_bytes` InvalidArgument
// "<path>: <too_large>".
Result<std::string> ReadFileText(const std::string& path, size_t max_bytes,
                                 std::string_view too_large);

// The problems of one parse, as the loaders return them. `parse` runs a parser, moving its
// problems() into *problems and its truncated() into *truncated; an exception it throws (out of
// memory) becomes one more problem, "internal error while reading the file". The problems are then
// sorted in file order (stable), cut to kMaxProblems and, when truncated, followed by a
// "too many problems" one.
std::vector<ConfigProblem> CollectProblems(
    std::string_view file_name,
    const std::function<void(std::vector<ConfigProblem>* problems, bool* truncated)>& parse);

// `value`, or the first of `problems` as an InvalidArgument Error whose message is
// FormatProblem(problem) and whose field is the key path.
template <typename T>
Result<T> ValueOrFirstProblem(const std::vector<ConfigProblem>& problems, T value) {
  if (problems.empty()) return value;
  return Error::InvalidArgument(FormatProblem(problems.front()), problems.front().key);
}

// Where a value sits: the node, the mark to report (the key's when the value is empty) and the
// key path.
struct Spot {
  YAML::Node node;
  YAML::Mark mark;
  std::string path;
};

struct Entry {
  std::string name;
  YAML::Node key;
  Spot value;
};

// The entries of one YAML map, after unknown and repeated keys were reported.
struct Fields {
  Spot self;
  std::vector<Entry> entries;

  const Entry* Find(std::string_view name) const {
    for (const Entry& e : entries) {
      if (e.name == name) return &e;
    }
    return nullptr;
  }
};

class YamlReader {
 public:
  // `file` only names the file in problems.
  explicit YamlReader(std::string_view file) : file_(file) {}

  std::vector<ConfigProblem>& problems() { return problems_; }
  bool truncated() const { return truncated_; }  // stopped at kMaxProblems
  bool stopped() const { return stopped_; }      // too many problems or values: read no further

  // ---- problems ----
  void Report(const YAML::Mark& mark, std::string key, std::string message);
  void Report(const Spot& at, std::string message) { Report(at.mark, at.path, std::move(message)); }
  void Missing(const Fields& f, std::string_view key) {
    Report(f.self.mark, f.self.path + "." + std::string(key),
           "missing required key '" + std::string(key) + "'");
  }

  // Counts one value read; false (once reported) when the file expands to too many.
  bool Spend();

  // ---- the document ----

  // What follows the first document of a text.
  enum class SecondDocument { kNone, kDocument, kStrayContent };
  // Looks at the first two documents of `text` without building nodes: yaml-cpp 0.7 never gets
  // past a stray flow token (",") at the top level, where LoadAll would return endless empty
  // documents until memory runs out. A second document that starts with '---' is reported as one
  // document too many; one that does not is stray content, reported as a syntax error. Throws
  // YAML::Exception for a syntax error met first.
  SecondDocument CheckSingleDocument(const std::string& text);
  // Parses `text` as one YAML document into *out (null for an empty file). A syntax error or stray
  // content is reported and false returned; a second document is reported and the first one read.
  bool LoadDocument(std::string_view text, YAML::Node* out);

  // ---- generic readers: each reports its own problem and returns nullopt / false ----

  // A map whose keys must be among `allowed` (any key when `open`). An empty value is an empty map.
  bool Map(const Spot& at, const Names& allowed, std::string_view what, Fields* out,
           bool open = false);
  // A list; an empty value is an empty list.
  bool List(const Spot& at, std::string_view what, std::vector<Spot>* items);
  std::optional<std::string> String(const Spot& at);
  std::optional<std::string> Id(const Spot& at, bool strict);
  std::optional<int64_t> Int(const Spot& at, int64_t min, int64_t max);
  std::optional<double> Number(const Spot& at);
  std::optional<bool> Bool(const Spot& at);
  std::optional<Duration> DurationValue(const Spot& at, bool positive);
  template <typename E>
  std::optional<E> Enum(const Spot& at, const Choices<E>& choices, std::string_view what);
  std::optional<core::Expression> ExpressionValue(const Spot& at);
  // An attribute value: an empty value is null; a plain scalar is read as YAML reads it (a boolean,
  // null, a finite number, else text) and a quoted or tagged one is text. With `allow_list`, also
  // a list of such scalars.
  std::optional<core::Value> AttributeValue(const Spot& at, bool allow_list);

 private:
  static Spot Child(const Spot& parent, const YAML::Node& key, const YAML::Node& value,
                    std::string_view name) {
    YAML::Mark mark = value.IsNull() || value.Mark().is_null() ? key.Mark() : value.Mark();
    return {value, mark,
            parent.path.empty() ? std::string(name) : parent.path + "." + std::string(name)};
  }

  std::string file_;
  std::vector<ConfigProblem> problems_;
  bool stopped_ = false;
  bool truncated_ = false;
  int64_t values_ = 0;
};

template <typename E>
std::optional<E> YamlReader::Enum(const Spot& at, const Choices<E>& choices,
                                  std::string_view what) {
  Names names = ChoiceNames(choices);
  if (!at.node.IsScalar()) {
    Report(at, "expected " + std::string(what) + " (one of: " + Join(names) + "), got " +
                   Describe(at.node));
    return std::nullopt;
  }
  const std::string& text = at.node.Scalar();
  for (const auto& [name, value] : choices) {
    if (name == text) return value;
  }
  Report(at, "unknown " + std::string(what) + " " + Quote(text) + DidYouMean(text, names) +
                 " (expected one of: " + Join(names) + ")");
  return std::nullopt;
}

}  // namespace hotline::config::internal
