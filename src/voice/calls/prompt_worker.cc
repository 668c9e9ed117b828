#include "voice/calls/prompt_worker.h"

#include <boost/asio/post.hpp>

#include "voice/media/prompts.h"

namespace hotline::voice {

PromptWorker::~PromptWorker() {
  pool_.stop();
  pool_.join();
}

void PromptWorker::Speak(std::string text, std::string voice, Done done) {
  boost::asio::post(pool_, [this, text = std::move(text), voice = std::move(voice),
                            done = std::move(done)] { done(prompts_.Speak(text, voice)); });
}

}  // namespace hotline::voice
