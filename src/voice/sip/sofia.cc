#include "voice/sip/sofia.h"

#include <sofia-sip/su_alloc.h>

namespace hotline::voice::sip {

std::string SafeDisplayName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (out.size() >= 64) break;
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || u < 0x20 || u == 0x7f) continue;
    out += c;
  }
  if (out.empty()) return {};
  return "\"" + out + "\" ";
}

std::string SafeUserPart(std::string_view user) {
  static constexpr std::string_view kMarks = "-_.!~*'()+";
  std::string out;
  for (char c : user) {
    if (out.size() >= 64) break;
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum || kMarks.find(c) != std::string_view::npos) out += c;
  }
  return out.empty() ? "anonymous" : out;
}

std::string HeaderText(const sip_header_t* header) {
  if (header == nullptr) return {};
  su_home_t home[1] = {SU_HOME_INIT(home)};
  char* text = sip_header_as_string(home, header);
  std::string out = text != nullptr ? text : "";
  su_home_deinit(home);
  return out;
}

}  // namespace hotline::voice::sip
