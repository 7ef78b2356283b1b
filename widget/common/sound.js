// The notification sound, synthesised with Web Audio (no file to load): a tone that steps up.
let audio = null;

export function playSound() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  try {
    audio = audio || new Context();
    if (audio.state === "suspended") audio.resume();
    const start = audio.currentTime;
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.setValueAtTime(660, start);
    tone.frequency.setValueAtTime(880, start + 0.12);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.32);
    tone.connect(gain).connect(audio.destination);
    tone.start(start);
    tone.stop(start + 0.33);
  } catch {
    // No audio here: the message is shown and announced anyway.
  }
}
