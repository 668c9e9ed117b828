// Speech synthesis off the loop thread (internal to voice/calls): espeak-ng takes tens to
// hundreds of milliseconds for a prompt it has not cached, too long for the thread that routes.
//
// Thread-safety: Speak from any thread; `done` runs on the worker thread.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "voice/media/audio.h"

namespace hotline::voice {

class PromptLibrary;

class PromptWorker {
 public:
  using Done = std::function<void(Result<std::shared_ptr<const Audio>>)>;
  explicit PromptWorker(PromptLibrary& prompts) : prompts_(prompts) {}
  // Drops what is still queued and waits for the synthesis in progress.
  ~PromptWorker();

  void Speak(std::string text, std::string voice, Done done);

 private:
  PromptLibrary& prompts_;
  boost::asio::thread_pool pool_{1};
};

}  // namespace hotline::voice
