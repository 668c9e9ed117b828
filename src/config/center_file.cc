// The public entry points of center_file.h: size limits, reading the file, the exception backstop
// and the order of problems. The parsing itself is CenterParser (center_parser.h).
#include "config/center_file.h"

#include <string>
#include <utility>
#include <vector>

#include "config/center_parser.h"

namespace hotline::config {

namespace {

using internal::CenterParser;

std::vector<ConfigProblem> Check(std::string_view text, std::string_view file_name,
                                 core::CenterDefinition* out) {
  return internal::CollectProblems(file_name,
                                   [&](std::vector<ConfigProblem>* problems, bool* truncated) {
                                     CenterParser parser(file_name);
                                     parser.Load(text);
                                     *problems = std::move(parser.problems());
                                     *truncated = parser.truncated();
                                     if (problems->empty() && out != nullptr)
                                       *out = std::move(parser.center());
                                   });
}

std::string TooLarge() {
  return "the file is larger than " + std::to_string(kMaxCenterFileBytes >> 20) +
         " MiB; a center definition is far smaller";
}

// Reads at most kMaxCenterFileBytes + 1 bytes, so a huge or endless file (a device) is refused
// without reading it all.
Result<std::string> ReadFile(const std::string& path) {
  return internal::ReadFileText(path, kMaxCenterFileBytes, TooLarge());
}

}  // namespace

std::string FormatProblem(const ConfigProblem& problem) {
  std::string out = problem.file;
  if (problem.line > 0) {
    out += ":" + std::to_string(problem.line);
    if (problem.column > 0) out += ":" + std::to_string(problem.column);
  }
  out += ": ";
  if (!problem.key.empty()) out += problem.key + ": ";
  return out + problem.message;
}

std::vector<ConfigProblem> CheckCenterYaml(std::string_view text, std::string_view file_name,
                                           core::CenterDefinition* out) {
  if (text.size() > kMaxCenterFileBytes) {
    return {{std::string(file_name), 0, 0, "", TooLarge()}};
  }
  return Check(text, file_name, out);
}

std::vector<ConfigProblem> CheckCenterFile(const std::string& path, core::CenterDefinition* out) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return {{path, 0, 0, "", text.error().message}};
  return Check(*text, path, out);
}

Result<core::CenterDefinition> ParseCenterYaml(std::string_view text, std::string_view file_name) {
  core::CenterDefinition center;
  std::vector<ConfigProblem> problems = CheckCenterYaml(text, file_name, &center);
  return internal::ValueOrFirstProblem(problems, std::move(center));
}

Result<core::CenterDefinition> LoadCenterFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.error();
  return ParseCenterYaml(*text, path);
}

}  // namespace hotline::config
