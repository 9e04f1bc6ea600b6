/**
 * Users: parties and court staff. Identity data is stored only in encrypted form (`*Enc`,
 * see privacy/personalData.ts) plus a keyed look-up hash (`*Hash`) whose unique index is what
 * makes "one account per phone / per ID number" hold even under concurrent registrations.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { ROLES, type Role } from '../auth/tokens.js';

export interface UserDoc {
  _id: Types.ObjectId;
  name: string;
  idNumberEnc: string;
  idNumberHash: string;
  phoneEnc: string;
  phoneHash: string;
  passwordHash: string;
  roles: Role[];
  /** Staff only: the court they work at. */
  courtId?: string;
  /** Set when a court administrator deactivated the account: it can no longer log in. */
  deactivatedAt?: Date;
  deactivatedBy?: string;
  /** Set when a clerk moved this account's ID number to the person it belongs to (identity review). */
  idNumberRevokedAt?: Date;
  createdAt: Date;
}

export type UserModel = Model<UserDoc>;

/** Index names, so a duplicate-key error can be attributed without parsing its message. */
export const USER_INDEXES = {
  idNumber: 'idNumberHash_unique',
  phone: 'phoneHash_unique',
} as const;

const userSchema = new Schema<UserDoc>(
  {
    name: { type: String, required: true, trim: true, maxlength: 100 },
    idNumberEnc: { type: String, required: true },
    idNumberHash: { type: String, required: true },
    phoneEnc: { type: String, required: true },
    phoneHash: { type: String, required: true },
    passwordHash: { type: String, required: true },
    roles: {
      type: [{ type: String, enum: ROLES }],
      required: true,
      validate: { validator: (v: unknown[]) => v.length > 0, message: 'a user needs at least one role' },
    },
    courtId: { type: String, required: false },
    deactivatedAt: { type: Date, required: false },
    deactivatedBy: { type: String, required: false },
    idNumberRevokedAt: { type: Date, required: false },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'users', versionKey: false, strict: 'throw' },
);
userSchema.index({ idNumberHash: 1 }, { unique: true, name: USER_INDEXES.idNumber });
userSchema.index({ phoneHash: 1 }, { unique: true, name: USER_INDEXES.phone });

/** The User model on this connection; calling it again returns the same model. */
export function userModel(connection: Connection): UserModel {
  return (connection.models.User as UserModel | undefined) ?? connection.model<UserDoc>('User', userSchema);
}

/**
 * The model with its unique indexes built. Writes that rely on those indexes for
 * correctness must go through this: mongoose builds indexes in the background, and an
 * insert that races the build would not be rejected as a duplicate.
 */
export async function readyUserModel(connection: Connection): Promise<UserModel> {
  const model = userModel(connection);
  await model.init();
  return model;
}
