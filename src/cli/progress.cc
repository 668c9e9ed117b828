#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace hotline::cli {

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)),
      enabled_(isatty(STDERR_FILENO) == 1),
      started_(std::chrono::steady_clock::now()) {}

void ProgressBar::Update(double done) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && done < 1.0) return;
  last_draw_ = now;
  done = std::clamp(done, 0.0, 1.0);
  constexpr int kWidth = 30;
  int filled = static_cast<int>(done * kWidth);
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  double elapsed = std::chrono::duration<double>(now - started_).count();
  double eta = done > 0.01 ? elapsed * (1 - done) / done : 0;
  std::fprintf(stderr, "\r%s [%s] %3.0f%%  %.0fs left ", label_.c_str(), bar.c_str(), done * 100,
               eta);
  std::fflush(stderr);
}

void ProgressBar::Finish() {
  if (!enabled_) return;
  std::fprintf(stderr, "\r%*s\r", 80, "");
  std::fflush(stderr);
}

}  // namespace hotline::cli
