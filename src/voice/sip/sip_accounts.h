// Each voice agent's SIP username and password, kept in DATA/sip-accounts.
//
// File format (mode 0600), one account per line, fields separated by spaces or tabs:
//
//   # comment
//   agent_id username password
//
// At start every agent without an account gets one: username = agent id (or agent id + "-2",
// "-3"... when another account already uses that name) and a random 16-character password of
// letters and digits (RAND_bytes). Existing lines, comments and lines for agents no longer
// configured are kept as written; new lines are appended and the file is replaced atomically
// (temp file, fsync, rename). Usernames and agent ids are unique in the file.
//
// In memory only HA1 = MD5(username:realm:password) is kept, never the password.
//
// Error contract: a bad line is InvalidArgument naming the file and line number, and nothing is
// written; I/O failures are kInternal. Thread-safety: immutable after LoadOrCreate.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hotline::voice::sip {

inline constexpr size_t kMaxSipAccountsFileBytes = 1024 * 1024;
inline constexpr size_t kSipPasswordLength = 16;

class SipAccounts {
 public:
  struct Account {
    std::string agent;
    std::string username;
    std::string ha1;
  };

  [[nodiscard]] static Result<SipAccounts> LoadOrCreate(const std::filesystem::path& file,
                                                        const std::vector<std::string>& agent_ids,
                                                        std::string realm);

  // The account with this SIP username, or nullptr.
  const Account* FindByUsername(std::string_view username) const;
  // The account of this agent, or nullptr.
  const Account* FindByAgent(std::string_view agent) const;
  const std::string& realm() const { return realm_; }
  size_t size() const { return accounts_.size(); }

 private:
  std::string realm_;
  std::vector<Account> accounts_;
  std::map<std::string, size_t, std::less<>> by_username_;
  std::map<std::string, size_t, std::less<>> by_agent_;
};

}  // namespace hotline::voice::sip
