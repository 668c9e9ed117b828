#include "voice/sip/sip_accounts.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "voice/sip/digest.h"

namespace hotline::voice::sip {
namespace {

namespace fs = std::filesystem;

class SipAccountsTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) /
           ("sip_accounts_" + std::to_string(::getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    file_ = dir_ / "sip-accounts";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Read() const {
    std::ifstream in(file_);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void Write(const std::string& text) const { std::ofstream(file_) << text; }
  unsigned Mode() const {
    struct stat st {};
    EXPECT_EQ(::stat(file_.c_str(), &st), 0);
    return st.st_mode & 0777;
  }
  // The password written for `agent`, read back from the file.
  std::string PasswordOf(const std::string& agent) const {
    std::istringstream lines(Read());
    std::string a, u, p;
    while (lines >> a) {
      if (a.starts_with('#')) {
        std::getline(lines, a);
        continue;
      }
      lines >> u >> p;
      if (a == agent) return p;
    }
    return "";
  }

  fs::path dir_;
  fs::path file_;
};

TEST_F(SipAccountsTest, FirstStartCreatesPrivateFileWithRandomPasswords) {
  auto accounts = SipAccounts::LoadOrCreate(file_, {"a1", "a2"}, "hotline");
  ASSERT_TRUE(accounts.ok()) << accounts.error().message;
  EXPECT_EQ(Mode(), 0600u);
  EXPECT_FALSE(fs::exists(file_.string() + ".tmp"));
  EXPECT_EQ(accounts->size(), 2u);
  const std::string p1 = PasswordOf("a1");
  ASSERT_EQ(p1.size(), kSipPasswordLength);
  for (char c : p1) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << p1;
  EXPECT_NE(p1, PasswordOf("a2"));
  const auto* account = accounts->FindByUsername("a1");
  ASSERT_NE(account, nullptr);
  EXPECT_EQ(account->agent, "a1");
  EXPECT_EQ(account->ha1, DigestHa1("a1", "hotline", p1));
  EXPECT_EQ(accounts->FindByAgent("a2"), accounts->FindByUsername("a2"));
  EXPECT_EQ(accounts->FindByUsername("a3"), nullptr);
  EXPECT_EQ(Read().find(account->ha1), std::string::npos);  // the file holds passwords, not HA1
}

TEST_F(SipAccountsTest, RestartKeepsLinesAndAddsNewAgents) {
  Write("# front desk\n\nold1 desk-7 Secret123\n  a1\tphone-a1   pw1  \n");
  ::chmod(file_.c_str(), 0644);
  auto accounts = SipAccounts::LoadOrCreate(file_, {"a1", "a2"}, "hotline");
  ASSERT_TRUE(accounts.ok()) << accounts.error().message;
  const std::string text = Read();
  EXPECT_EQ(text.rfind("# front desk\n\nold1 desk-7 Secret123\n  a1\tphone-a1   pw1  \n", 0), 0u)
      << text;
  EXPECT_EQ(Mode(), 0600u);
  EXPECT_EQ(accounts->size(), 3u);
  EXPECT_EQ(accounts->FindByUsername("phone-a1")->agent, "a1");
  EXPECT_EQ(accounts->FindByUsername("phone-a1")->ha1, DigestHa1("phone-a1", "hotline", "pw1"));
  EXPECT_EQ(accounts->FindByAgent("old1")->username, "desk-7");  // unknown agent kept
  EXPECT_EQ(accounts->FindByAgent("a2")->username, "a2");
  EXPECT_EQ(PasswordOf("a2").size(), kSipPasswordLength);

  // Another start with the same agents changes nothing.
  auto again = SipAccounts::LoadOrCreate(file_, {"a1", "a2"}, "hotline");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Read(), text);
  EXPECT_EQ(again->FindByAgent("a2")->ha1, accounts->FindByAgent("a2")->ha1);
}

TEST_F(SipAccountsTest, ModeIsRepairedWhenNothingIsAdded) {
  Write("a1 a1 pw\n");
  ::chmod(file_.c_str(), 0644);
  ASSERT_TRUE(SipAccounts::LoadOrCreate(file_, {"a1"}, "hotline").ok());
  EXPECT_EQ(Mode(), 0600u);
}

TEST_F(SipAccountsTest, TakenUsernameGetsASuffix) {
  Write("old1 a1 pw\n");
  auto accounts = SipAccounts::LoadOrCreate(file_, {"a1"}, "hotline");
  ASSERT_TRUE(accounts.ok()) << accounts.error().message;
  EXPECT_EQ(accounts->FindByAgent("a1")->username, "a1-2");
  EXPECT_EQ(accounts->FindByUsername("a1")->agent, "old1");
}

TEST_F(SipAccountsTest, BadLineIsAnErrorNamingItAndNothingIsWritten) {
  const std::string text = "# ok\na1 a1 pw\na2 only-two\n";
  Write(text);
  auto accounts = SipAccounts::LoadOrCreate(file_, {"a1", "a3"}, "hotline");
  ASSERT_FALSE(accounts.ok());
  EXPECT_EQ(accounts.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(accounts.error().message.find("line 3:"), std::string::npos)
      << accounts.error().message;
  EXPECT_EQ(Read(), text);
}

TEST_F(SipAccountsTest, DuplicatesAreErrors) {
  Write("a1 u1 pw\na2 u1 pw\n");
  auto same_username = SipAccounts::LoadOrCreate(file_, {}, "hotline");
  ASSERT_FALSE(same_username.ok());
  EXPECT_NE(same_username.error().message.find("line 2: username"), std::string::npos);
  Write("a1 u1 pw\n\na1 u2 pw\n");
  auto same_agent = SipAccounts::LoadOrCreate(file_, {}, "hotline");
  ASSERT_FALSE(same_agent.ok());
  EXPECT_NE(same_agent.error().message.find("line 3: second account"), std::string::npos);
}

TEST_F(SipAccountsTest, AgentIdWithSpaceIsRefused) {
  auto accounts = SipAccounts::LoadOrCreate(file_, {"a 1"}, "hotline");
  ASSERT_FALSE(accounts.ok());
  EXPECT_EQ(accounts.error().field, "agent");
  EXPECT_FALSE(fs::exists(file_));
}

TEST_F(SipAccountsTest, NoAgentsAndNoFileWritesNothing) {
  auto accounts = SipAccounts::LoadOrCreate(file_, {}, "hotline");
  ASSERT_TRUE(accounts.ok());
  EXPECT_EQ(accounts->size(), 0u);
  EXPECT_FALSE(fs::exists(file_));
}

}  // namespace
}  // namespace hotline::voice::sip
