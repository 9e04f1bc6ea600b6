import { Router } from 'express';
import { z } from 'zod';
import { DEFAULT_COURT_FEE_CONFIG, FeeInputError, quoteFee } from '../../state-machines/rules/fees.js';
import type { AppContext } from '../context.js';
import { findCourt } from '../courts/courtModel.js';
import { errors } from '../errors.js';
import { parseInput } from '../http/validate.js';

const quoteSchema = z
  .object({
    caseType: z.enum([
      'property', 'divorce', 'personality', 'nonProperty', 'ipNoAmount', 'labour', 'administrativeSpecial',
      'administrative', 'enforcement', 'enforcementNoAmount', 'preservation', 'paymentOrder', 'publicSummons',
      'arbitration', 'bankruptcy',
    ]),
    amount: z.string().trim().optional(),
    /** Divorce: value of the property to divide; personality rights: damages claimed (C3 Art. 13(2)). */
    divorcePropertyAmount: z.string().trim().optional(),
    personalityDamagesAmount: z.string().trim().optional(),
    court: z.string().trim().min(1).max(40).optional(),
    // One ground (`halving=mediation`), repeated (`halving=a&halving=b`) or comma-separated (`halving=a,b`).
    halving: z
      .union([z.string(), z.array(z.string()).max(4)])
      .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((g) => g.trim()).filter((g) => g !== ''))
      .pipe(z.array(z.enum(['simpleProcedure', 'mediation', 'withdrawal', 'counterclaim'])).max(4))
      .optional(),
  })
  .strict();

/** GET /api/fees/quote: the statutory fee (诉讼费用交纳办法) for a case type and amount; no login needed. */
export function feeRoutes(ctx: AppContext): Router {
  const router = Router();
  ctx.api.add({ method: 'get', path: '/api/fees/quote', summary: 'Court fee preview by case type and amount (yuan)', tags: ['fees'], auth: false, query: quoteSchema, responses: { 200: { description: '{ fee, exact, currency, breakdown }' }, 400: { description: 'Bad case type or amount' } } });
  router.get('/api/fees/quote', async (req, res) => {
    const q = parseInput(quoteSchema, req.query);
    // The same bound as a filing's claim amount: 13 integer digits (under 10 trillion yuan).
    if (q.amount !== undefined && /^\d{14,}(\.\d*)?$/.test(q.amount.replace(/^0+(?=\d)/, ''))) {
      throw errors.validation('The amount is too large: at most 13 digits of yuan.', undefined, 'AMOUNT_OUT_OF_RANGE');
    }
    const court = q.court ? await findCourt(ctx.connection, q.court) : null;
    if (q.court && !court) throw errors.validation(`There is no court "${q.court}" on this platform.`, undefined, 'UNKNOWN_COURT');
    try {
      const quote = quoteFee(
        {
          caseType: q.caseType,
          ...(q.amount !== undefined ? { amount: q.amount } : {}),
          ...(q.divorcePropertyAmount !== undefined ? { divorcePropertyAmount: q.divorcePropertyAmount } : {}),
          ...(q.personalityDamagesAmount !== undefined ? { personalityDamagesAmount: q.personalityDamagesAmount } : {}),
          ...(q.halving && q.halving.length > 0 ? { halving: q.halving } : {}),
        },
        court?.feeConfig ?? DEFAULT_COURT_FEE_CONFIG,
      );
      res.json(quote);
    } catch (err) {
      if (err instanceof FeeInputError) throw errors.validation(err.message, undefined, err.code);
      throw err;
    }
  });
  return router;
}
