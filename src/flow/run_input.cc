// FlowRun: menus and digit collection, with retries, barge-in and type-ahead.
#include <string>
#include <utility>

#include "flow/run.h"

namespace hotline::flow {

bool FlowRun::TakeTypedAhead(char* digit) {
  if (typed_ahead_.empty()) return false;
  *digit = typed_ahead_.front();
  typed_ahead_.erase(0, 1);
  return true;
}

void FlowRun::Ask(const std::vector<Prompt>& prompts, Phase prompting, Phase waiting,
                  Duration timeout, Instant now) {
  if (PlayPrompts(prompts)) {
    phase_ = prompting;
    deadline_ = Instant::max();
  } else {
    phase_ = waiting;
    deadline_ = now + timeout;
  }
}

// ---- menu ---------------------------------------------------------------------------------------

void FlowRun::EnterMenu(Instant now) {
  attempt_ = 0;
  char digit = 0;
  if (TakeTypedAhead(&digit)) {  // typed ahead: the prompt is skipped
    phase_ = Phase::kMenuWait;
    return MenuDigit(digit, now);
  }
  Ask(node_->prompt, Phase::kMenuPrompt, Phase::kMenuWait, node_->menu.timeout, now);
}

void FlowRun::MenuDigit(char digit, Instant now) {
  auto option = node_->menu.options.find(digit);
  if (option != node_->menu.options.end()) {
    Step(now, std::string("menu choice ") + digit);
    return Enter(option->second, now);
  }
  Step(now, std::string("invalid ") + digit);
  MenuRetry(/*invalid=*/true, now);
}

void FlowRun::MenuRetry(bool invalid, Instant now) {
  typed_ahead_.clear();
  if (++attempt_ > node_->menu.retries) {
    Step(now, "retries exhausted");
    return Go(node_->next, now, "invalid");
  }
  std::vector<Prompt> prompts = invalid ? node_->menu.invalid : std::vector<Prompt>{};
  prompts.insert(prompts.end(), node_->prompt.begin(), node_->prompt.end());
  Ask(prompts, Phase::kMenuPrompt, Phase::kMenuWait, node_->menu.timeout, now);
}

// ---- collect ------------------------------------------------------------------------------------

void FlowRun::EnterCollect(Instant now) {
  attempt_ = 0;
  collected_.clear();
  const Node* self = node_;
  char digit = 0;
  bool typed = false;
  // Typed-ahead digits go in first; one may end the collect and move on.
  while (node_ == self && phase_ != Phase::kFinished && TakeTypedAhead(&digit)) {
    typed = true;
    phase_ = Phase::kCollectWait;
    CollectDigit(digit, now);
  }
  if (typed) return;
  Ask(node_->prompt, Phase::kCollectPrompt, Phase::kCollectWait, node_->collect.timeout, now);
}

void FlowRun::CollectDigit(char digit, Instant now) {
  const Collect& c = node_->collect;
  if (c.terminator != 0 && digit == c.terminator) return CollectEnd(now);
  collected_ += digit;
  if (static_cast<int>(collected_.size()) >= c.max_digits) return CollectEnd(now);
  phase_ = Phase::kCollectWait;
  deadline_ = now + c.timeout;
}

// The terminator, max_digits or the timeout ends the input; too few digits is a retry.
void FlowRun::CollectEnd(Instant now) {
  const Collect& c = node_->collect;
  int count = static_cast<int>(collected_.size());
  if (count == 0 || count < c.min_digits) {
    Step(now, count == 0 ? std::string("timeout") : "too few digits " + std::to_string(count));
    return CollectRetry(/*invalid=*/count > 0, now);
  }
  Step(now, "collected " + std::to_string(count) + " digits");
  attributes_[c.attribute] = collected_;
  Emit({.type = EffectType::kSetAttributes, .attributes = {{c.attribute, collected_}}});
  collected_.clear();
  Go(node_->next, now, "done");
}

void FlowRun::CollectRetry(bool invalid, Instant now) {
  collected_.clear();
  typed_ahead_.clear();
  if (++attempt_ > node_->collect.retries) {
    Step(now, "retries exhausted");
    return Go(node_->collect.failure, now, "invalid");
  }
  std::vector<Prompt> prompts = invalid ? node_->collect.invalid : std::vector<Prompt>{};
  prompts.insert(prompts.end(), node_->prompt.begin(), node_->prompt.end());
  Ask(prompts, Phase::kCollectPrompt, Phase::kCollectWait, node_->collect.timeout, now);
}

}  // namespace hotline::flow
