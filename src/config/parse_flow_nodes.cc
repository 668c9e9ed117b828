// The nodes of a flow, by kind, and their prompts, voices, sounds and keys.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "config/flow_parser.h"

namespace hotline::config::internal {

using flow::NodeKind;

namespace {

const Choices<NodeKind> kKinds = {
    {"say", NodeKind::kSay},           {"play", NodeKind::kPlay},
    {"menu", NodeKind::kMenu},         {"collect", NodeKind::kCollect},
    {"hours", NodeKind::kHours},       {"set", NodeKind::kSet},
    {"queue", NodeKind::kQueue},       {"voicemail", NodeKind::kVoicemail},
    {"transfer", NodeKind::kTransfer}, {"hangup", NodeKind::kHangup}};

// The keys each kind allows, `type` first.
Names KeysOf(NodeKind kind) {
  switch (kind) {
    case NodeKind::kSay:
      return {"type", "text", "voice", "next"};
    case NodeKind::kPlay:
      return {"type", "sound", "next"};
    case NodeKind::kMenu:
      return {"type", "prompt", "options", "timeout", "retries", "invalid", "next"};
    case NodeKind::kCollect:
      return {"type",    "prompt",  "min_digits", "max_digits", "terminator", "timeout",
              "retries", "invalid", "attribute",  "next",       "failure"};
    case NodeKind::kHours:
      return {"type", "hours", "open", "closed", "holiday"};
    case NodeKind::kSet:
      return {"type", "attributes", "priority", "next"};
    case NodeKind::kQueue:
      return {"type",         "queue",           "music",         "announce_every", "announcement",
              "callback_key", "callback_prompt", "voicemail_key", "timeout",        "voicemail",
              "next"};
    case NodeKind::kVoicemail:
      return {"type", "prompt", "max_duration", "next"};
    case NodeKind::kTransfer:
      return {"type", "target"};
    case NodeKind::kHangup:
      return {"type", "reason"};
  }
  return {"type"};
}

inline constexpr int64_t kMaxRetries = 10;
inline constexpr int64_t kMaxDigits = 64;
inline constexpr size_t kMaxTargetBytes = 256;

bool EndsWithWav(const std::string& path) {
  if (path.size() < 4) return false;
  std::string tail = path.substr(path.size() - 4);
  std::transform(tail.begin(), tail.end(), tail.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return tail == ".wav";
}

bool IsPrintable(const std::string& text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

// ---- values -------------------------------------------------------------------------------------

std::optional<std::string> FlowParser::Voice(const Spot& at) {
  auto voice = String(at);
  if (!voice) return std::nullopt;
  for (std::string_view known : flow::kVoices) {
    if (*voice == known) return voice;
  }
  Names names(std::begin(flow::kVoices), std::end(flow::kVoices));
  Report(at, "unknown voice " + Quote(*voice) + DidYouMean(*voice, names) +
                 " (expected one of: " + Join(names) + ")");
  return std::nullopt;
}

std::optional<std::string> FlowParser::Text(const Spot& at) {
  auto text = String(at);
  if (!text) return std::nullopt;
  if (text->empty() || text->size() > kMaxTextBytes) {
    Report(at, "a text to say has 1 to " + std::to_string(kMaxTextBytes) + " bytes");
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> FlowParser::Sound(const Spot& at) {
  auto sound = String(at);
  if (!sound) return std::nullopt;
  if (*sound == flow::kMusic) return sound;
  if (!EndsWithWav(*sound) || sound->size() > kMaxPathBytes || !IsPrintable(*sound)) {
    Report(at,
           "a sound is \"music\" (music on hold) or the path of a .wav file, got " + Quote(*sound));
    return std::nullopt;
  }
  return sound;
}

std::optional<char> FlowParser::Key(const Spot& at) {
  auto text = String(at);
  if (!text) return std::nullopt;
  if (text->size() == 1) {
    char c = (*text)[0];
    if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) return c;
  }
  Report(at,
         "expected one telephone key (0-9, \"*\", \"#\", A-D; quote * and #), got " + Quote(*text));
  return std::nullopt;
}

// A prompt: a text in the flow's voice, {text, voice} or {sound}.
std::optional<flow::Prompt> FlowParser::OnePrompt(const Spot& at, const FlowScope& scope) {
  if (at.node.IsScalar()) {
    auto text = Text(at);
    if (!text) return std::nullopt;
    return flow::Prompt{*text, scope.voice, ""};
  }
  Fields f;
  if (!Map(at, {"text", "voice", "sound"}, "a prompt (a text, {text, voice} or {sound})", &f)) {
    return std::nullopt;
  }
  const Entry* text = f.Find("text");
  const Entry* voice = f.Find("voice");
  const Entry* sound = f.Find("sound");
  if ((text != nullptr) == (sound != nullptr) || (sound && voice)) {
    Report(at, "a prompt has either text (and maybe voice) or sound");
    return std::nullopt;
  }
  flow::Prompt prompt;
  if (sound) {
    auto s = Sound(sound->value);
    if (!s) return std::nullopt;
    prompt.sound = *s;
    return prompt;
  }
  auto t = Text(text->value);
  auto v = voice ? Voice(voice->value) : scope.voice;
  if (!t || !v) return std::nullopt;
  return flow::Prompt{*t, *v, ""};
}

// One prompt or a list of them.
std::vector<flow::Prompt> FlowParser::Prompts(const Spot& at, const FlowScope& scope) {
  std::vector<Spot> items;
  if (at.node.IsSequence()) {
    if (!List(at, "a list of prompts", &items)) return {};
    if (items.size() > kMaxPrompts) {
      Report(at, "at most " + std::to_string(kMaxPrompts) + " prompts");
      return {};
    }
  } else {
    items.push_back(at);
  }
  std::vector<flow::Prompt> prompts;
  for (const Spot& item : items) {
    if (auto p = OnePrompt(item, scope)) prompts.push_back(*p);
  }
  return prompts;
}

// ---- nodes --------------------------------------------------------------------------------------

void FlowParser::ReadNode(const Spot& at, const FlowScope& scope, flow::Node* node) {
  Fields f;
  YAML::Node type = at.node.IsMap() ? at.node["type"] : YAML::Node();
  if (!type.IsDefined() || type.IsNull()) {
    if (Map(at, {}, "a node (a map with a type)", &f, /*open=*/true)) Missing(f, "type");
    return;
  }
  auto kind = Enum(Spot{type, type.Mark(), at.path + ".type"}, kKinds, "node type");
  if (!kind) return;
  node->kind = *kind;
  if (!Map(at, KeysOf(*kind), "a " + std::string(flow::KindName(*kind)) + " node", &f)) return;
  if (const Entry* e = f.Find("next")) {
    if (auto next = NodeRef(e->value, scope)) node->next = *next;
  }
  if (const Entry* e = f.Find("prompt")) node->prompt = Prompts(e->value, scope);
  switch (*kind) {
    case NodeKind::kSay:
      if (const Entry* e = Required(f, "text")) {
        const Entry* voice = f.Find("voice");
        auto text = Text(e->value);
        auto v = voice ? Voice(voice->value) : scope.voice;
        if (text && v) node->prompt = {{*text, *v, ""}};
      }
      return;
    case NodeKind::kPlay:
      if (const Entry* e = Required(f, "sound")) {
        if (auto sound = Sound(e->value)) node->prompt = {{"", "", *sound}};
      }
      return;
    case NodeKind::kMenu:
      return ReadMenu(f, scope, node);
    case NodeKind::kCollect:
      return ReadCollect(f, scope, node);
    case NodeKind::kHours:
      return ReadHoursBranch(f, scope, node);
    case NodeKind::kSet:
      return ReadSet(f, node);
    case NodeKind::kQueue:
      return ReadQueue(f, scope, node);
    case NodeKind::kVoicemail:
      if (const Entry* e = f.Find("max_duration")) {
        if (auto d = DurationValue(e->value, true)) node->max_duration = *d;
      }
      return;
    case NodeKind::kTransfer:
      if (const Entry* e = Required(f, "target")) {
        auto target = String(e->value);
        if (target && (target->empty() || target->size() > kMaxTargetBytes ||
                       !IsPrintable(*target) || target->find(' ') != std::string::npos)) {
          Report(e->value, "a transfer target is a SIP URI or a number (no spaces, at most " +
                               std::to_string(kMaxTargetBytes) + " bytes)");
        } else if (target) {
          node->target = *target;
        }
      }
      return;
    case NodeKind::kHangup:
      if (const Entry* e = f.Find("reason")) {
        if (auto reason = Id(e->value, true)) node->reason = *reason;
      }
      return;
  }
}

void FlowParser::ReadMenu(const Fields& f, const FlowScope& scope, flow::Node* node) {
  flow::Menu& menu = node->menu;
  if (const Entry* e = Required(f, "options")) {
    Fields options;
    if (Map(e->value, {}, "a map of keys to nodes", &options, /*open=*/true)) {
      for (const Entry& o : options.entries) {
        auto key = Key(Spot{o.key, o.key.Mark(), o.value.path});
        auto target = NodeRef(o.value, scope);
        if (key && target) menu.options[*key] = *target;
      }
      if (options.entries.empty()) Report(e->value, "a menu needs at least one option");
    }
  }
  if (const Entry* e = f.Find("timeout")) {
    if (auto d = DurationValue(e->value, true)) menu.timeout = *d;
  }
  if (const Entry* e = f.Find("retries")) {
    if (auto n = Int(e->value, 0, kMaxRetries)) menu.retries = static_cast<int>(*n);
  }
  if (const Entry* e = f.Find("invalid")) menu.invalid = Prompts(e->value, scope);
}

void FlowParser::ReadCollect(const Fields& f, const FlowScope& scope, flow::Node* node) {
  flow::Collect& c = node->collect;
  if (const Entry* e = f.Find("min_digits")) {
    if (auto n = Int(e->value, 1, kMaxDigits)) c.min_digits = static_cast<int>(*n);
  }
  if (const Entry* e = f.Find("max_digits")) {
    if (auto n = Int(e->value, 1, kMaxDigits)) c.max_digits = static_cast<int>(*n);
  }
  if (c.min_digits > c.max_digits) {
    Report(f.self, "min_digits (" + std::to_string(c.min_digits) + ") is above max_digits (" +
                       std::to_string(c.max_digits) + ")");
  }
  if (const Entry* e = f.Find("terminator")) {
    if (e->value.node.IsScalar() && e->value.node.Scalar() == "none") {
      c.terminator = 0;
    } else if (auto key = Key(e->value)) {
      c.terminator = *key;
    }
  }
  if (const Entry* e = f.Find("timeout")) {
    if (auto d = DurationValue(e->value, true)) c.timeout = *d;
  }
  if (const Entry* e = f.Find("retries")) {
    if (auto n = Int(e->value, 0, kMaxRetries)) c.retries = static_cast<int>(*n);
  }
  if (const Entry* e = f.Find("invalid")) c.invalid = Prompts(e->value, scope);
  if (const Entry* e = Required(f, "attribute")) {
    if (auto name = Id(e->value, true)) c.attribute = *name;
  }
  if (const Entry* e = f.Find("failure")) {
    if (auto failure = NodeRef(e->value, scope)) c.failure = *failure;
  }
}

void FlowParser::ReadHoursBranch(const Fields& f, const FlowScope& scope, flow::Node* node) {
  flow::HoursBranch& b = node->hours;
  if (const Entry* e = Required(f, "hours")) {
    if (auto hours = Reference(e->value, "hours", "'hours'", hours_ids_)) b.hours = *hours;
  }
  std::pair<const char*, std::string*> branches[] = {
      {"open", &b.open}, {"closed", &b.closed}, {"holiday", &b.holiday}};
  for (auto& [key, target] : branches) {
    const Entry* e = std::string_view(key) == "holiday" ? f.Find(key) : Required(f, key);
    if (e) {
      if (auto name = NodeRef(e->value, scope)) *target = *name;
    }
  }
}

void FlowParser::ReadSet(const Fields& f, flow::Node* node) {
  const Entry* attributes = f.Find("attributes");
  const Entry* priority = f.Find("priority");
  if (!attributes && !priority) {
    Report(f.self, "a set node sets attributes, priority or both");
    return;
  }
  if (attributes) {
    Fields a;
    if (Map(attributes->value, {}, "a map of attribute names to values", &a, /*open=*/true)) {
      for (const Entry& e : a.entries) {
        auto name = Id(Spot{e.key, e.key.Mark(), e.value.path}, true);
        auto value = String(e.value);
        if (name && value) node->attributes[*name] = *value;
      }
    }
  }
  if (priority) {
    if (auto n = Int(priority->value, -kMaxMagnitude, kMaxMagnitude)) {
      node->set_priority = true;
      node->priority = static_cast<int>(*n);
    }
  }
}

void FlowParser::ReadQueue(const Fields& f, const FlowScope& scope, flow::Node* node) {
  flow::QueueStep& q = node->queue;
  if (const Entry* e = Required(f, "queue")) {
    if (auto queue = Reference(e->value, "queue", "'queues'", queue_ids_)) q.queue = *queue;
  }
  if (const Entry* e = f.Find("music")) {
    if (auto sound = Sound(e->value)) q.music = *sound;
  }
  if (const Entry* e = f.Find("announce_every")) {
    auto d = DurationValue(e->value, true);
    if (d && *d < Seconds(5)) {
      Report(e->value, "announcements come at most every 5s");
    } else if (d) {
      q.announce_every = *d;
    }
  }
  if (const Entry* e = f.Find("announcement")) q.announcement = Prompts(e->value, scope);
  if (f.Find("announce_every") && !f.Find("announcement")) Missing(f, "announcement");
  if (const Entry* e = f.Find("callback_key")) {
    if (auto key = Key(e->value)) q.callback_key = *key;
  }
  if (const Entry* e = f.Find("callback_prompt")) q.callback_prompt = Prompts(e->value, scope);
  if (const Entry* e = f.Find("voicemail_key")) {
    if (auto key = Key(e->value)) {
      if (*key == q.callback_key) {
        Report(e->value, "the voicemail key is also the callback key");
      } else {
        q.voicemail_key = *key;
      }
    }
  }
  if (const Entry* e = f.Find("timeout")) {
    if (auto d = DurationValue(e->value, true)) q.timeout = *d;
  }
  if (const Entry* e = f.Find("voicemail")) {
    if (auto vm = NodeRef(e->value, scope)) q.voicemail = *vm;
  } else if (q.voicemail_key != 0) {
    Report(f.self.mark, f.self.path + ".voicemail",
           "missing required key 'voicemail' (the node the voicemail key leads to)");
  }
}

}  // namespace hotline::config::internal
