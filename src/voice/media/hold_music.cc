#include "voice/media/hold_music.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace hotline::voice {
namespace {

constexpr int kBeatsPerBar = 4;
constexpr int kBars = 8;
constexpr size_t kSamplesPerBeat = kSampleRate * 60 / 100;  // 100 bpm

// Melody, one MIDI note per beat (0: rest), and each bar's chord (root for the bass, triad for
// the pad).
constexpr std::array<int, kBars* kBeatsPerBar> kMelody = {
    76, 79, 81, 79,  // C
    76, 74, 72, 74,  // Am
    72, 74, 76, 79,  // F
    74, 71, 74, 79,  // G
    79, 76, 79, 84,  // C
    81, 76, 72, 76,  // Am
    77, 76, 74, 72,  // F
    71, 74, 72, 0,   // G, resolving
};
constexpr std::array<std::array<int, 4>, kBars> kChords = {{
    {48, 60, 64, 67},
    {45, 57, 60, 64},
    {41, 53, 57, 60},
    {43, 55, 59, 62},
    {48, 60, 64, 67},
    {45, 57, 60, 64},
    {41, 53, 57, 60},
    {43, 55, 59, 62},
}};

double Frequency(int midi_note) { return 440.0 * std::pow(2.0, (midi_note - 69) / 12.0); }

// Adds one note starting at `start` lasting `length` samples: a quick attack, an exponential
// decay, and a linear release over the last 10 ms so the note ends at exactly zero.
void AddNote(std::vector<double>& out, size_t start, size_t length, int midi_note, double amplitude,
             double decay_per_second, double second_harmonic) {
  const double w = 2 * std::numbers::pi * Frequency(midi_note) / kSampleRate;
  const size_t attack = kSampleRate / 100;
  const size_t release = kSampleRate / 100;
  for (size_t i = 0; i < length; ++i) {
    double envelope = std::exp(-decay_per_second * i / kSampleRate);
    if (i < attack) envelope *= static_cast<double>(i) / attack;
    if (i + release > length) envelope *= static_cast<double>(length - i) / release;
    double wave = std::sin(w * i) + second_harmonic * std::sin(2 * w * i);
    out[start + i] += amplitude * envelope * wave;
  }
}

}  // namespace

Audio ComposeHoldMusic() {
  const size_t bar = kSamplesPerBeat * kBeatsPerBar;
  std::vector<double> mix(bar * kBars, 0.0);
  for (size_t beat = 0; beat < kMelody.size(); ++beat) {
    if (kMelody[beat] == 0) continue;
    AddNote(mix, beat * kSamplesPerBeat, kSamplesPerBeat, kMelody[beat], 5000, 2.5, 0.3);
  }
  for (size_t b = 0; b < kBars; ++b) {
    const auto& chord = kChords[b];
    for (size_t half = 0; half < 2; ++half) {  // bass in half notes
      AddNote(mix, b * bar + half * bar / 2, bar / 2, chord[0], 3500, 1.5, 0.2);
    }
    for (size_t i = 1; i < chord.size(); ++i) AddNote(mix, b * bar, bar, chord[i], 900, 0.6, 0.0);
  }
  Audio audio;
  audio.samples.resize(mix.size());
  std::transform(mix.begin(), mix.end(), audio.samples.begin(),
                 [](double v) { return static_cast<int16_t>(std::clamp(v, -32767.0, 32767.0)); });
  return audio;
}

}  // namespace hotline::voice
