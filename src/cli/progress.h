// A progress bar on stderr for long work (CLI.md), drawn only when stderr is a terminal.
#pragma once

#include <chrono>
#include <string>

namespace hotline::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  bool enabled() const { return enabled_; }
  // `done` in [0, 1]; redraws at most ten times a second.
  void Update(double done);
  // Clears the bar's line.
  void Finish();

 private:
  std::string label_;
  bool enabled_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace hotline::cli
