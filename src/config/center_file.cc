// The public entry points of center_file.h: size limits, reading the file, the exception backstop
// and the order of problems. The parsing itself is CenterParser (center_parser.h).
#include "config/center_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "config/center_parser.h"

namespace hotline::config {

namespace {

using internal::CenterParser;
using internal::kMaxProblems;

std::vector<ConfigProblem> Check(std::string_view text, std::string_view file_name,
                                 core::CenterDefinition* out) {
  std::vector<ConfigProblem> problems;
  bool truncated = false;
  try {
    CenterParser parser(file_name);
    parser.Load(text);
    problems = std::move(parser.problems());
    truncated = parser.truncated();
    if (problems.empty() && out != nullptr) *out = std::move(parser.center());
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
  if (truncated) {
    problems.push_back({std::string(file_name), 0, 0, "",
                        "too many problems; stopped after " + std::to_string(kMaxProblems)});
  }
  return problems;
}

// Reads at most kMaxCenterFileBytes + 1 bytes, so a huge or endless file (a device) is refused
// without reading it all.
Result<std::string> ReadFile(const std::string& path) {
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
  while (text.size() <= kMaxCenterFileBytes) {
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
  if (text.size() > kMaxCenterFileBytes) {
    return Error::InvalidArgument(path + ": the file is larger than " +
                                  std::to_string(kMaxCenterFileBytes >> 20) +
                                  " MiB; a center definition is far smaller");
  }
  return text;
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
    return {{std::string(file_name), 0, 0, "",
             "the file is larger than " + std::to_string(kMaxCenterFileBytes >> 20) +
                 " MiB; a center definition is far smaller"}};
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
  if (!problems.empty()) {
    return Error::InvalidArgument(FormatProblem(problems.front()), problems.front().key);
  }
  return center;
}

Result<core::CenterDefinition> LoadCenterFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.error();
  return ParseCenterYaml(*text, path);
}

}  // namespace hotline::config
