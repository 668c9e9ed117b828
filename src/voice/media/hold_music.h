// Hold music composed by our own code: eight bars in C major (I-vi-IV-V twice) at 100 beats per
// minute, a soft bell-like melody over bass and chord pad. Every note fades to zero inside its own
// beat, so the piece loops seamlessly. No third-party audio anywhere in the repository.
//
// Thread-safety: a pure function.
#pragma once

#include "voice/media/audio.h"

namespace hotline::voice {

// 8 kHz mono, a whole number of bars (19.2 s).
Audio ComposeHoldMusic();

}  // namespace hotline::voice
