#include "voice/sip/registrar.h"

#include <gtest/gtest.h>

#include <thread>

namespace hotline::voice::sip {
namespace {

const Instant kT0 = FromMicros(1'795'000'000'000'000);

std::string Contact(int n) { return "sip:a1@10.0.0." + std::to_string(n) + ":5062;transport=udp"; }

TEST(Registrar, BindingLastsUntilItsExpiry) {
  Registrar registrar;
  EXPECT_EQ(registrar.Bind("a1", Contact(1), Seconds(120), "baresip", kT0), Seconds(120));
  auto contacts = registrar.Contacts("a1", kT0 + Seconds(119));
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0].agent, "a1");
  EXPECT_EQ(contacts[0].contact, Contact(1));
  EXPECT_EQ(contacts[0].user_agent, "baresip");
  EXPECT_EQ(contacts[0].expires, kT0 + Seconds(120));
  EXPECT_TRUE(registrar.Contacts("a1", kT0 + Seconds(120)).empty());
  EXPECT_TRUE(registrar.Contacts("a2", kT0).empty());
}

TEST(Registrar, ExpiresIsClampedAndDefaultIsTenMinutes) {
  Registrar registrar;
  EXPECT_EQ(registrar.Bind("a1", Contact(1), Seconds(5), "", kT0), Seconds(60));
  EXPECT_EQ(registrar.Bind("a1", Contact(2), Seconds(86400), "", kT0), Seconds(3600));
  EXPECT_EQ(registrar.Bind("a1", Contact(3), Registrar::kDefaultExpires, "", kT0), Seconds(600));
  EXPECT_EQ(registrar.Contacts("a1", kT0 + Seconds(59)).size(), 3u);
  EXPECT_EQ(registrar.Contacts("a1", kT0 + Seconds(60)).size(), 2u);
  EXPECT_EQ(registrar.Contacts("a1", kT0 + Seconds(600)).size(), 1u);
  EXPECT_EQ(registrar.Contacts("a1", kT0 + Seconds(3600)).size(), 0u);
}

TEST(Registrar, RefreshReplacesTheSameContact) {
  Registrar registrar;
  registrar.Bind("a1", Contact(1), Seconds(60), "old", kT0);
  registrar.Bind("a1", Contact(1), Seconds(600), "new", kT0 + Seconds(50));
  auto contacts = registrar.Contacts("a1", kT0 + Seconds(100));
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0].user_agent, "new");
  EXPECT_EQ(registrar.size(), 1u);
}

TEST(Registrar, ExpiresZeroAndStarRemove) {
  Registrar registrar;
  registrar.Bind("a1", Contact(1), Seconds(600), "", kT0);
  registrar.Bind("a1", Contact(2), Seconds(600), "", kT0);
  registrar.Bind("a2", Contact(3), Seconds(600), "", kT0);
  EXPECT_EQ(registrar.Bind("a1", Contact(1), Duration::zero(), "", kT0), Duration::zero());
  auto left = registrar.Contacts("a1", kT0);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].contact, Contact(2));
  registrar.Bind("a1", "*", Duration::zero(), "", kT0);
  EXPECT_TRUE(registrar.Contacts("a1", kT0).empty());
  EXPECT_EQ(registrar.size(), 1u);  // a2 untouched
  registrar.Unbind("a2", Contact(9));
  EXPECT_EQ(registrar.size(), 1u);
  registrar.Unbind("a2", Contact(3));
  EXPECT_EQ(registrar.size(), 0u);
}

TEST(Registrar, EleventhContactReplacesLeastRecentlyRefreshed) {
  Registrar registrar;
  for (int n = 1; n <= 10; ++n) registrar.Bind("a1", Contact(n), Seconds(600), "", kT0);
  registrar.Bind("a1", Contact(1), Seconds(600), "", kT0 + Seconds(1));  // 1 is now the newest
  registrar.Bind("a1", Contact(11), Seconds(600), "", kT0 + Seconds(2));
  auto contacts = registrar.Contacts("a1", kT0 + Seconds(3));
  ASSERT_EQ(contacts.size(), Registrar::kMaxContactsPerAgent);
  for (const Binding& b : contacts) EXPECT_NE(b.contact, Contact(2));
  EXPECT_EQ(contacts.back().contact, Contact(11));
}

TEST(Registrar, ExpiredBindingsAreDroppedOnBindAndExpire) {
  Registrar registrar;
  registrar.Bind("a1", Contact(1), Seconds(60), "", kT0);
  registrar.Bind("a2", Contact(2), Seconds(60), "", kT0);
  registrar.Bind("a3", Contact(3), Seconds(600), "", kT0);
  EXPECT_EQ(registrar.size(), 3u);
  registrar.Bind("a1", Contact(4), Seconds(60), "", kT0 + Seconds(61));
  EXPECT_EQ(registrar.size(), 3u);  // a1's expired binding gone, the new one in
  EXPECT_EQ(registrar.All(kT0 + Seconds(61)).size(), 2u);
  EXPECT_EQ(registrar.Expire(kT0 + Seconds(61)), 1u);  // a2
  EXPECT_EQ(registrar.size(), 2u);
  auto all = registrar.All(kT0 + Seconds(100));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].agent, "a1");
  EXPECT_EQ(all[1].agent, "a3");
}

TEST(Registrar, WritersAndReadersOnTwoThreads) {
  Registrar registrar;
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) registrar.Bind("a1", Contact(i % 20), Seconds(600), "", kT0);
  });
  size_t most = 0;
  for (int i = 0; i < 2000; ++i) most = std::max(most, registrar.Contacts("a1", kT0).size());
  writer.join();
  EXPECT_LE(most, Registrar::kMaxContactsPerAgent);
  EXPECT_EQ(registrar.size(), Registrar::kMaxContactsPerAgent);
}

}  // namespace
}  // namespace hotline::voice::sip
