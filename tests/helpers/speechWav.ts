/**
 * A speech-like test signal for Chromium's fake microphone
 * (`--use-file-for-fake-audio-capture`): syllables of a formant-filtered
 * glottal pulse train with a moving pitch, fricative noise and pauses.
 * Chromium's default fake microphone is a beep, which Opus codes as music
 * (CELT), where in-band FEC does not exist; a real voice is coded with SILK
 * and carries FEC, so the weak-network measurements use this instead.
 */
import { writeFileSync } from 'node:fs';

const RATE = 48_000;

/** Two-pole resonator coefficients for a formant at `f` Hz with bandwidth `bw` Hz. */
function resonator(f: number, bw: number): [number, number, number] {
  const r = Math.exp((-Math.PI * bw) / RATE);
  const a1 = 2 * r * Math.cos((2 * Math.PI * f) / RATE);
  const a2 = -r * r;
  return [1 - a1 - a2, a1, a2];
}

const vowels: [number, number, number][] = [
  [730, 1090, 2440], // a
  [270, 2290, 3010], // i
  [300, 870, 2240], // u
  [530, 1840, 2480], // e
  [570, 840, 2410], // o
];

export function writeSpeechWav(file: string, seconds = 12): void {
  const n = RATE * seconds;
  const out = new Int16Array(n);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  let phase = 0;
  const state = [0, 0, 0, 0, 0, 0];
  let i = 0;
  let syllable = 0;
  while (i < n) {
    const voiced = syllable % 7 !== 6; // a pause every few syllables
    const length = Math.round(RATE * (voiced ? 0.16 + 0.12 * Math.abs(random()) : 0.35));
    const vowel = vowels[syllable % vowels.length]!;
    const filters = vowel.map((f, k) => resonator(f, 60 + 40 * k));
    const f0Start = 110 + 60 * Math.abs(random());
    const f0End = f0Start * (0.8 + 0.3 * Math.abs(random()));
    for (let j = 0; j < length && i < n; j++, i++) {
      const t = j / length;
      const envelope = voiced ? Math.sin(Math.PI * t) ** 0.6 : 0;
      const f0 = f0Start + (f0End - f0Start) * t;
      phase += f0 / RATE;
      let source = 0;
      if (phase >= 1) {
        phase -= 1;
        source = 1; // glottal pulse
      }
      // A fricative onset at the start of some syllables.
      const noise = voiced && syllable % 3 === 0 && t < 0.2 ? 0.15 * random() : 0;
      let sample = source * envelope + noise;
      let sum = 0;
      filters.forEach(([g, a1, a2], k) => {
        const y = g * sample + a1 * state[2 * k]! + a2 * state[2 * k + 1]!;
        state[2 * k + 1] = state[2 * k]!;
        state[2 * k] = y;
        sum += y / (k + 1);
      });
      sample = sum * 6;
      out[i] = Math.max(-32767, Math.min(32767, Math.round(sample * 8000)));
    }
    syllable++;
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + n * 2, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(n * 2, 40);
  writeFileSync(file, Buffer.concat([header, Buffer.from(out.buffer)]));
}
