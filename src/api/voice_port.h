// What the API needs from voice (src/voice, wired by the server), as an interface: the API does
// not own calls, it asks. Absent (nullptr) when the server runs without --sip.
//
// Thread-safety: every method is called on the loop thread.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace hotline::api {

struct PhoneRegistration {
  std::string agent;
  std::string contact;
  std::string user_agent;
  Instant expires{};
};

class VoicePort {
 public:
  virtual ~VoicePort() = default;
  virtual std::string sip_address() const = 0;  // "127.0.0.1:5060"
  virtual std::vector<PhoneRegistration> Registrations() const = 0;
  // Counters for GET /voice and /metrics: calls_in_progress, calls_total, refused_404...
  virtual std::map<std::string, double> Counters() const = 0;
  // Where INTERACTION.wav recordings are.
  virtual std::filesystem::path RecordingsDir() const = 0;
  // A supervisor's phone joins the live call of `interaction` (mode: listen, whisper, barge):
  // `uri`, or the registered phone of `agent` when uri is empty.
  virtual Status Monitor(uint64_t interaction, const std::string& mode, const std::string& agent,
                         const std::string& uri) = 0;
};

}  // namespace hotline::api
