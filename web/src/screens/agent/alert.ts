// The incoming-offer alert: a two-tone chime made with WebAudio (no audio file), repeated while an
// offer waits, and the page title flagged. Browsers allow sound only after a user gesture, so
// `unlock()` is called from the desktop's buttons; until then the alert is visual only.

type AudioCtor = typeof AudioContext;

export class OfferAlert {
  private ctx: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private baseTitle: string | null = null;
  muted = false;

  unlock(): void {
    if (this.ctx) {
      if (this.ctx.state === 'suspended') void this.ctx.resume();
      return;
    }
    const Ctor = (globalThis as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor }).AudioContext ??
      (globalThis as { webkitAudioContext?: AudioCtor }).webkitAudioContext;
    if (!Ctor) return;
    try {
      this.ctx = new Ctor();
    } catch {
      this.ctx = null;
    }
  }

  /** One chime: two short sine tones. */
  chime(): void {
    const ctx = this.ctx;
    if (!ctx || this.muted || ctx.state !== 'running') return;
    const t0 = ctx.currentTime;
    [880, 660].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const start = t0 + i * 0.22;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.21);
    });
  }

  /** Rings (now and every 2.5 s) and flags the title while `on`; stops otherwise. */
  set(on: boolean, title: string): void {
    if (on && this.timer === null) {
      this.baseTitle = document.title;
      document.title = `${title} — ${this.baseTitle}`;
      this.chime();
      this.timer = setInterval(() => this.chime(), 2500);
    } else if (!on && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
      if (this.baseTitle !== null) document.title = this.baseTitle;
      this.baseTitle = null;
    }
  }

  dispose(): void {
    this.set(false, '');
    void this.ctx?.close();
    this.ctx = null;
  }
}
