// The public entry points of flow_file.h; the parsing itself is FlowParser (flow_parser.h).
#include "config/flow_file.h"

#include <string>
#include <utility>
#include <vector>

#include "config/flow_parser.h"

namespace hotline::config {

namespace {

std::vector<ConfigProblem> Check(std::string_view text, std::string_view file,
                                 flow::FlowBook* out) {
  return internal::CollectProblems(file,
                                   [&](std::vector<ConfigProblem>* problems, bool* truncated) {
                                     internal::FlowParser parser(file);
                                     parser.Load(text);
                                     *problems = std::move(parser.problems());
                                     *truncated = parser.truncated();
                                     if (problems->empty() && out != nullptr)
                                       *out = std::move(parser.book());
                                   });
}

const char kTooLarge[] = "the file is larger than the 16 MiB a center definition may have";

}  // namespace

std::vector<ConfigProblem> CheckFlowsYaml(std::string_view text, std::string_view file,
                                          flow::FlowBook* out) {
  if (text.size() > kMaxCenterFileBytes) return {{std::string(file), 0, 0, "", kTooLarge}};
  return Check(text, file, out);
}

std::vector<ConfigProblem> CheckFlowsFile(const std::string& path, flow::FlowBook* out) {
  Result<std::string> text = internal::ReadFileText(path, kMaxCenterFileBytes, kTooLarge);
  if (!text.ok()) return {{path, 0, 0, "", text.error().message}};
  return Check(*text, path, out);
}

Result<flow::FlowBook> ParseFlowsYaml(std::string_view text, std::string_view file) {
  flow::FlowBook book;
  std::vector<ConfigProblem> problems = CheckFlowsYaml(text, file, &book);
  return internal::ValueOrFirstProblem(problems, std::move(book));
}

Result<flow::FlowBook> LoadFlowsFile(const std::string& path) {
  Result<std::string> text = internal::ReadFileText(path, kMaxCenterFileBytes, kTooLarge);
  if (!text.ok()) return text.error();
  return ParseFlowsYaml(*text, path);
}

}  // namespace hotline::config
