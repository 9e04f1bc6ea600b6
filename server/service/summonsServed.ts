/**
 * When the summons naming a hearing's current start time took effect on each person served
 * it, read from the service records. The hearing procedure (hearings/hearingProcedure.ts)
 * asks this before a hearing opens; app.ts hands it in, because service/ builds on
 * hearings/ and so hearings/ does not import service/.
 */
import type { Connection } from 'mongoose';
import { serviceModels, type EffectDoc, type ServiceDoc } from './serviceModels.js';

export interface SummonedHearing {
  _id: string;
  caseId: string;
  startsAt: string;
}

/** Recipient id → the earliest instant a summons for this hearing and start time took effect on them. */
export type SummonsServed = (hearing: SummonedHearing) => Promise<Map<string, string>>;

export function summonsServed(connection: Connection): SummonsServed {
  return async (hearing) => {
    const models = serviceModels(connection);
    const summonses = await models.services
      .find({ caseId: hearing.caseId, 'document.kind': 'summons', 'document.hearing.hearingId': hearing._id, 'document.hearing.startsAt': hearing.startsAt })
      .lean<ServiceDoc[]>()
      .exec();
    const effects = await models.effects
      .find({ serviceId: { $in: summonses.map((s) => s._id) } })
      .lean<EffectDoc[]>()
      .exec();
    const earliest = new Map<string, string>();
    for (const e of effects) {
      if (!e.effect.effective) continue;
      const seen = earliest.get(e.recipientId);
      // The latest version of an effect replaces earlier ones; across summonses the earliest counts.
      const latest = effects.filter((x) => x.serviceId === e.serviceId && x.recipientId === e.recipientId).sort((a, b) => b.version - a.version)[0];
      if (latest !== e) continue;
      if (seen === undefined || Date.parse(e.effect.effectiveAt) < Date.parse(seen)) earliest.set(e.recipientId, e.effect.effectiveAt);
    }
    return earliest;
  };
}
