#include "voice/sip/sip_accounts.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "base/check.h"
#include "voice/sip/digest.h"

namespace hotline::voice::sip {

namespace {

struct AccountLine {
  std::string agent, username, password;
};

Error IoError(const std::filesystem::path& path, std::string_view what) {
  return Error{ErrorCode::kInternal,
               std::string(what) + " " + path.string() + ": " + std::strerror(errno), ""};
}

Result<std::string> ReadAccountsFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::string();
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error{ErrorCode::kInternal, "cannot read " + path.string(), ""};
  if (size > kMaxSipAccountsFileBytes) {
    return Error::InvalidArgument(path.string() + " is over 1 MiB", "sip-accounts");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return IoError(path, "cannot read");
  return text.str();
}

// Parses every account line; comments (#) and blank lines are skipped.
Result<std::vector<AccountLine>> ParseAccounts(const std::filesystem::path& path,
                                               std::string_view text) {
  std::vector<AccountLine> lines;
  std::set<std::string, std::less<>> agents, usernames;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream words(line);
    std::vector<std::string> fields;
    for (std::string word; words >> word;) fields.push_back(std::move(word));
    if (fields.empty() || fields[0].starts_with('#')) continue;
    auto bad = [&](std::string what) {
      return Error::InvalidArgument(path.string() + " line " + std::to_string(number) + ": " + what,
                                    "sip-accounts");
    };
    if (fields.size() != 3) return bad("expected 'agent_id username password'");
    if (!agents.emplace(fields[0]).second) return bad("second account for the same agent");
    if (!usernames.emplace(fields[1]).second) return bad("username already used above");
    lines.push_back({fields[0], fields[1], fields[2]});
  }
  return lines;
}

// 16 letters and digits; rejection sampling keeps every character equally likely.
std::string RandomPassword() {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string password;
  while (password.size() < kSipPasswordLength) {
    unsigned char bytes[32];
    HOTLINE_CHECK(RAND_bytes(bytes, sizeof bytes) == 1, "RAND_bytes failed");
    for (unsigned char b : bytes) {
      if (b < 248 && password.size() < kSipPasswordLength) password += kAlphabet[b % 62];
    }
  }
  return password;
}

// temp + fsync + rename, so a crash leaves either the old file or the new one, never half.
Status WritePrivateFileAtomically(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path temp = path.string() + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError(temp, "cannot create");
  bool ok = ::fchmod(fd, 0600) == 0;
  for (size_t done = 0; ok && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok) return IoError(temp, "cannot write");
  if (::rename(temp.c_str(), path.c_str()) != 0) return IoError(path, "cannot replace");
  return Status();
}

}  // namespace

Result<SipAccounts> SipAccounts::LoadOrCreate(const std::filesystem::path& file,
                                              const std::vector<std::string>& agent_ids,
                                              std::string realm) {
  auto text = ReadAccountsFile(file);
  if (!text.ok()) return text.error();
  auto lines = ParseAccounts(file, *text);
  if (!lines.ok()) return lines.error();

  std::set<std::string, std::less<>> agents, usernames;
  for (const AccountLine& line : *lines) {
    agents.insert(line.agent);
    usernames.insert(line.username);
  }
  std::string added;
  for (const std::string& agent : agent_ids) {
    const bool printable = std::all_of(agent.begin(), agent.end(), [](char c) {
      return static_cast<unsigned char>(c) > ' ' && c != 0x7f;
    });
    if (agent.empty() || !printable || agent.starts_with('#')) {
      return Error::InvalidArgument("agent id '" + agent + "' cannot be a SIP account", "agent");
    }
    if (!agents.insert(agent).second) continue;
    std::string username = agent;
    for (int n = 2; usernames.contains(username); ++n) username = agent + "-" + std::to_string(n);
    usernames.insert(username);
    AccountLine line{agent, username, RandomPassword()};
    added += line.agent + " " + line.username + " " + line.password + "\n";
    lines->push_back(std::move(line));
  }

  if (!added.empty()) {
    std::string content = *text;
    if (content.empty()) content = "# agent_id username password (Hotline SIP accounts)\n";
    if (content.back() != '\n') content += '\n';
    if (Status s = WritePrivateFileAtomically(file, content + added); !s.ok()) return s.error();
  } else if (!text->empty()) {
    std::error_code ec;
    std::filesystem::permissions(
        file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
    if (ec) return Error{ErrorCode::kInternal, "cannot chmod 0600 " + file.string(), ""};
  }

  SipAccounts accounts;
  accounts.realm_ = std::move(realm);
  for (const AccountLine& line : *lines) {
    accounts.by_username_[line.username] = accounts.accounts_.size();
    accounts.by_agent_[line.agent] = accounts.accounts_.size();
    accounts.accounts_.push_back(
        {line.agent, line.username, DigestHa1(line.username, accounts.realm_, line.password)});
  }
  return accounts;
}

const SipAccounts::Account* SipAccounts::FindByUsername(std::string_view username) const {
  auto it = by_username_.find(username);
  return it == by_username_.end() ? nullptr : &accounts_[it->second];
}

const SipAccounts::Account* SipAccounts::FindByAgent(std::string_view agent) const {
  auto it = by_agent_.find(agent);
  return it == by_agent_.end() ? nullptr : &accounts_[it->second];
}

}  // namespace hotline::voice::sip
