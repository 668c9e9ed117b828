// sipp (Debian's sip-tester) as a real SIP peer for the voice tests: a caller, an agent's phone.
//
//   SippProcess agent({"-sf", scenario, "-i", "127.0.0.1", "-p", port, "-m", "1"}, dir);
//   ASSERT_TRUE(agent.Start());
//   ... EXPECT_EQ(agent.Wait(std::chrono::seconds(60)), 0);  // 0: every call succeeded
//
// sipp runs with -nostdin -trace_err; its screen output goes to DIR/NAME.out and its errors to
// the error file, both returned by Output() for failure messages. A process still running at
// destruction is killed (SIGKILL), and it dies with the test process (PR_SET_PDEATHSIG).
//
// Scenario templates (tests/voice/scenarios/*.xml) hold @NAME@ placeholders; Fill writes a copy
// with them replaced.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hotline::itest {

class SippProcess {
 public:
  SippProcess(std::string name, std::vector<std::string> args, std::filesystem::path dir);
  ~SippProcess();
  SippProcess(const SippProcess&) = delete;
  SippProcess& operator=(const SippProcess&) = delete;

  bool Start();
  // sipp's exit status (0: all calls succeeded, 1: some failed), 128 + signal, or -1 at the
  // deadline (then it is killed).
  int Wait(std::chrono::milliseconds deadline);
  bool running() const { return pid_ > 0; }
  std::string Output() const;

 private:
  std::string name_;
  std::vector<std::string> args_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

// Copies the template `from` to `to` with every @KEY@ replaced by its value.
void Fill(const std::filesystem::path& from, const std::filesystem::path& to,
          const std::map<std::string, std::string>& values);

// A UDP and TCP port free on 127.0.0.1 now (the kernel's choice), even when `even` is set.
uint16_t FreePort(bool even = false);

}  // namespace hotline::itest
