import { hasKey, type MessageKey, type Translate, type Vars } from '../i18n/i18n.js';

/**
 * A mediation is not a trial: nobody "opens court" or waits in a "court waiting room".
 * Every room text that has a mediation wording (its key + `Mediation`, e.g.
 * `bench.start` / `bench.startMediation`) uses it in a mediation; the room speaks
 * through this one function, so no text can slip back to court words.
 */
export function roomWords(t: Translate, mediation: boolean): (key: string, vars?: Vars) => string {
  return (key, vars) => {
    const variant = `${key}Mediation`;
    if (mediation && hasKey(variant)) return t(variant, vars);
    return hasKey(key) ? t(key as MessageKey, vars) : key;
  };
}
