#include "shard/center_document.h"

#include <gtest/gtest.h>

namespace hotline::shard {
namespace {

using nlohmann::json;

constexpr const char* kCenter = R"(
center: {name: Test}
skills: [{id: billing, name: Billing}, {id: tech, name: "42"}]
dispositions: [{id: resolved, name: Resolved}]
agents:
  - {id: a1, name: Ann, skills: {billing: 3}}
queues:
  - {id: billing, name: Billing, requires: {billing: 1}}
)";

TEST(YamlToJson, TypesPlainScalarsAndKeepsQuotedOnesStrings) {
  auto j = YamlToJson("{a: 1, b: 1.5, c: true, d: ~, e: '7', f: 20s, g: [x, 2]}");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["a"], 1);
  EXPECT_EQ((*j)["b"], 1.5);
  EXPECT_EQ((*j)["c"], true);
  EXPECT_TRUE((*j)["d"].is_null());
  EXPECT_EQ((*j)["e"], "7");
  EXPECT_EQ((*j)["f"], "20s");
  EXPECT_EQ((*j)["g"], json({"x", 2}));
}

TEST(CenterDocument, ApiOnlyKeysStayInTheDocumentButNotInTheDefinition) {
  auto file = CenterDocument::FromYaml(kCenter, "test.yaml");
  ASSERT_TRUE(file.ok()) << file.error().message;
  auto doc = file->Put(Section::kAgents, "a1",
                       json{{"name", "Ann"}, {"skills", {{"billing", 3}}}, {"user_id", 7}});
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  const json* agent = doc->Find(Section::kAgents, "a1");
  ASSERT_NE(agent, nullptr);
  EXPECT_EQ((*agent)["user_id"], 7);
  EXPECT_EQ(doc->center().agents.size(), 1u);
  EXPECT_EQ(doc->Find(Section::kSkills, "tech")->at("name"), "42");  // quoted: a string
}

TEST(CenterDocument, ABadPutNamesTheFieldInsideTheBodyAndChangesNothing) {
  auto doc = CenterDocument::FromYaml(kCenter, "test.yaml");
  ASSERT_TRUE(doc.ok());
  auto bad =
      doc->Put(Section::kQueues, "billing", json{{"name", "Billing"}, {"agent_order", "fastest"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "agent_order");
  auto unknown = doc->Put(Section::kQueues, "billing", json{{"name", "B"}, {"colour", "red"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "colour");
  auto wrong_id = doc->Put(Section::kQueues, "billing", json{{"id", "other"}, {"name", "B"}});
  ASSERT_FALSE(wrong_id.ok());
  EXPECT_EQ(wrong_id.error().field, "id");
  EXPECT_EQ(doc->Find(Section::kQueues, "billing")->value("agent_order", ""), "");
}

TEST(CenterDocument, PutKeepsIndicesAndAppendsNewObjects) {
  auto doc = CenterDocument::FromYaml(kCenter, "test.yaml");
  ASSERT_TRUE(doc.ok());
  auto next = doc->Put(Section::kSkills, "french", json{{"name", "Français"}});
  ASSERT_TRUE(next.ok()) << next.error().message;
  auto again = next->Put(Section::kSkills, "billing", json{{"name", "帳務"}});
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->center().skills.size(), 3u);
  EXPECT_EQ(again->center().skills[0].name, "帳務");
  EXPECT_EQ(again->center().skills[2].id, "french");
}

TEST(CenterDocument, DeletedQueueIsATombstoneThatPutRevives) {
  auto doc = CenterDocument::FromYaml(kCenter, "test.yaml");
  ASSERT_TRUE(doc.ok());
  auto added = doc->Put(Section::kQueues, "vip", json{{"name", "VIP"}});
  ASSERT_TRUE(added.ok()) << added.error().message;
  auto deleted = added->Delete(Section::kQueues, "vip");
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(deleted->Find(Section::kQueues, "vip"), nullptr);
  EXPECT_EQ(deleted->List(Section::kQueues).size(), 1u);
  EXPECT_EQ(deleted->center().queues.size(), 2u);  // the engine keeps the index
  auto stored = CenterDocument::FromStored(deleted->Stored());
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->IsDeleted(Section::kQueues, "vip"));
  auto revived = deleted->Put(Section::kQueues, "vip", json{{"name", "VIP again"}});
  ASSERT_TRUE(revived.ok());
  EXPECT_NE(revived->Find(Section::kQueues, "vip"), nullptr);
  EXPECT_EQ(revived->center().queues.size(), 2u);
}

TEST(CenterDocument, DeletedAgentKeepsItsIndexAcrossTheLogAndPutRevivesIt) {
  auto doc = CenterDocument::FromYaml(kCenter, "test.yaml");
  ASSERT_TRUE(doc.ok());
  auto added = doc->Put(Section::kAgents, "a2", json{{"skills", {{"billing", 1}}}});
  ASSERT_TRUE(added.ok()) << added.error().message;
  auto deleted = added->Delete(Section::kAgents, "a1");
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(deleted->Find(Section::kAgents, "a1"), nullptr);
  ASSERT_EQ(deleted->List(Section::kAgents).size(), 1u);
  EXPECT_EQ(deleted->List(Section::kAgents)[0]["id"], "a2");
  ASSERT_EQ(deleted->center().agents.size(), 2u);  // the engine keeps both indices
  EXPECT_EQ(deleted->center().agents[1].id, "a2");
  auto stored = CenterDocument::FromStored(deleted->Stored());
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->IsDeleted(Section::kAgents, "a1"));
  EXPECT_FALSE(stored->IsDeleted(Section::kAgents, "a2"));
  auto revived = stored->Put(Section::kAgents, "a1", json{{"skills", {{"billing", 2}}}});
  ASSERT_TRUE(revived.ok());
  EXPECT_NE(revived->Find(Section::kAgents, "a1"), nullptr);
  EXPECT_EQ(revived->center().agents[0].id, "a1");
}

TEST(CenterDocument, ASkillInUseCannotBeDeleted) {
  auto doc = CenterDocument::FromYaml(kCenter, "test.yaml");
  ASSERT_TRUE(doc.ok());
  auto r = doc->Delete(Section::kSkills, "billing");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("agents[0]"), std::string::npos) << r.error().message;
  auto missing = doc->Delete(Section::kSkills, "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace hotline::shard
