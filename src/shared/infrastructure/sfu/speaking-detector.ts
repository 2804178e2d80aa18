/**
 * Turns an audio-level observer's periodic "these producers were loud" reports into speaking start/stop edges:
 * a producer starts speaking when it first appears, and stops after `holdMs` without appearing (so the pauses
 * between words do not flicker) or when it is forgotten (closed or paused). The observer's `silence` report is
 * deliberately not a stop: it comes whenever nobody is loud, which is every pause of a lone speaker.
 */
export interface SpeakingDetector {
  /** Producers heard above the threshold in the last observer interval. */
  heard(producerIds: readonly string[]): void;
  /** The producer closed or paused: stop it now if it was speaking. */
  forget(producerId: string): void;
  /** Stops every timer without emitting anything (the room is gone). */
  dispose(): void;
}

export const createSpeakingDetector = (options: {
  holdMs: number;
  emit: (producerId: string, speaking: boolean) => void;
}): SpeakingDetector => {
  const speaking = new Map<string, ReturnType<typeof setTimeout>>();

  const stop = (producerId: string) => {
    const timer = speaking.get(producerId);
    if (timer === undefined) return;
    clearTimeout(timer);
    speaking.delete(producerId);
    options.emit(producerId, false);
  };

  const hold = (producerId: string) => setTimeout(() => stop(producerId), options.holdMs);

  return {
    heard(producerIds) {
      for (const producerId of producerIds) {
        const timer = speaking.get(producerId);
        if (timer !== undefined) clearTimeout(timer);
        speaking.set(producerId, hold(producerId));
        if (timer === undefined) options.emit(producerId, true);
      }
    },
    forget: stop,
    dispose() {
      for (const timer of speaking.values()) clearTimeout(timer);
      speaking.clear();
    },
  };
};
