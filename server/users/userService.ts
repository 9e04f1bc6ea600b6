/**
 * Registration, log-in and what one user may see of another. Identity data is validated
 * here (not only in the HTTP layer) so every caller, the seed included, gets the same rules.
 */
import { isValidObjectId, type Connection } from 'mongoose';
import { checkIdNumber, maskIdNumber, maskPhone } from '../../state-machines/rules/idNumber.js';
import type { AppContext } from '../context.js';
import { AppError, errors } from '../errors.js';
import { createPersonalDataCipher, type PersonalDataCipher } from '../privacy/personalData.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { AuthUser, Role } from '../auth/tokens.js';
import { readyUserModel, USER_INDEXES, userModel, type UserDoc, type UserModel } from './userModel.js';

export interface UserServiceDeps {
  connection: Connection;
  cipher: PersonalDataCipher;
}

export function userServiceDeps(ctx: AppContext): UserServiceDeps {
  return { connection: ctx.connection, cipher: createPersonalDataCipher(ctx.config.dataEncryptionKey) };
}

/** What anyone may know about a user: the same shape as the token's AuthUser. */
export type PublicUser = AuthUser;

/** What a party sees of the other side or of staff: enough to recognise, not to impersonate. */
export interface MaskedIdentity {
  name: string;
  idNumber: string;
  phone: string;
}

/** Mainland China mobile numbers: 11 digits, 1 then 3-9. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
export const MIN_PASSWORD_LENGTH = 10;
/** scrypt would take any length; the cap only keeps requests small. */
export const MAX_PASSWORD_LENGTH = 256;

export interface NewUser {
  name: string;
  idNumber: string;
  phone: string;
  password: string;
}

export interface StaffUser extends NewUser {
  roles: Role[];
  /** The court they work at; absent only for a platform administrator (role admin, no court). */
  courtId?: string;
}

export function publicUserView(user: Pick<UserDoc, '_id' | 'name' | 'roles' | 'courtId'>): PublicUser {
  const view: PublicUser = { id: user._id.toHexString(), name: user.name, roles: [...user.roles] };
  if (user.courtId) view.courtId = user.courtId;
  return view;
}

export function maskedIdentity(user: Pick<UserDoc, 'name' | 'idNumberEnc' | 'phoneEnc'>, cipher: PersonalDataCipher): MaskedIdentity {
  return {
    name: user.name,
    idNumber: maskIdNumber(cipher.decrypt(user.idNumberEnc)),
    phone: maskPhone(cipher.decrypt(user.phoneEnc)),
  };
}

/** Normalised ID number, or 400 INVALID_ID_NUMBER with the checker's English and Chinese text. */
export function requireValidIdNumber(idNumber: string, today: Date = new Date()): string {
  const check = checkIdNumber(idNumber, today);
  if (!check.ok) {
    throw errors.validation(check.message, { messageZh: check.messageZh, reason: check.code }, 'INVALID_ID_NUMBER');
  }
  return check.normalized;
}

export function requireValidPhone(phone: string): string {
  const trimmed = phone.trim();
  if (!PHONE_PATTERN.test(trimmed)) {
    throw errors.validation(
      'A phone number must be a mainland China mobile number: 11 digits starting with 13-19.',
      { messageZh: '请输入11位中国大陆手机号码。' },
      'INVALID_PHONE',
    );
  }
  return trimmed;
}

export function requireAcceptablePassword(password: string): string {
  if ([...password].length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw errors.validation(
      `A password must have at least ${MIN_PASSWORD_LENGTH} characters (and at most ${MAX_PASSWORD_LENGTH}).`,
      { messageZh: `密码至少需要${MIN_PASSWORD_LENGTH}个字符。` },
      'PASSWORD_TOO_SHORT',
    );
  }
  return password;
}

/** The field checks of a registration, without the (slow) password hashing. */
export async function checkRegistration(input: NewUser): Promise<void> {
  requireValidIdNumber(input.idNumber);
  requireValidPhone(input.phone);
  requireAcceptablePassword(input.password);
  if (!input.name.trim()) throw errors.validation('A name is required.', undefined, 'INVALID_NAME');
  return Promise.resolve();
}

export async function phoneRegistered(deps: UserServiceDeps, phoneHash: string): Promise<boolean> {
  return (await userModel(deps.connection).exists({ phoneHash })) !== null;
}

/** The document to insert for a new user: only encrypted identity data and keyed hashes. */
async function userDocument(deps: UserServiceDeps, input: NewUser, roles: Role[], courtId?: string) {
  const idNumber = requireValidIdNumber(input.idNumber);
  const phone = requireValidPhone(input.phone);
  const password = requireAcceptablePassword(input.password);
  const name = input.name.trim();
  if (!name) throw errors.validation('A name is required.', undefined, 'INVALID_NAME');
  return {
    name,
    idNumberEnc: deps.cipher.encrypt(idNumber),
    idNumberHash: deps.cipher.lookupHash('idNumber', idNumber),
    phoneEnc: deps.cipher.encrypt(phone),
    phoneHash: deps.cipher.lookupHash('phone', phone),
    passwordHash: await hashPassword(password),
    roles,
    ...(courtId ? { courtId } : {}),
  };
}

interface DuplicateKeyError {
  code: 11000;
  keyPattern?: Record<string, unknown>;
  message?: string;
}

export function isDuplicateKeyError(err: unknown): err is DuplicateKeyError {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/**
 * Which identity a duplicate-key error was about. MongoDB names the key; compatible servers
 * may not, so fall back to asking which hash is now present.
 */
async function conflictFor(err: DuplicateKeyError, model: UserModel, doc: { phoneHash: string; idNumberHash: string }) {
  const about = (field: 'phoneHash' | 'idNumberHash', index: string) =>
    err.keyPattern?.[field] !== undefined || (err.message ?? '').includes(index);
  let phoneTaken = about('phoneHash', USER_INDEXES.phone);
  if (!phoneTaken && !about('idNumberHash', USER_INDEXES.idNumber)) {
    phoneTaken = (await model.exists({ phoneHash: doc.phoneHash })) !== null;
  }
  if (phoneTaken) return errors.conflict('This phone number is already registered. Please log in instead.', 'PHONE_TAKEN');
  // Said only to someone who has just proven they hold their phone (SMS code), under a rate
  // limit; it is what lets the real person ask the court to review, instead of a dead end.
  return new AppError(
    'invalidState',
    'ID_NUMBER_TAKEN',
    'Another account already uses this ID number. If it is yours, ask the court to review it (identity review); a clerk checks your identity and moves the number to you.',
    { messageZh: '该身份证号已被其他账号使用。如系本人证件，请申请法院身份核验，书记员核实后将身份证号改绑至您的账号。', review: '/api/identity-reviews' },
  );
}

async function insertUser(deps: UserServiceDeps, doc: Awaited<ReturnType<typeof userDocument>>): Promise<UserDoc> {
  const model = await readyUserModel(deps.connection);
  try {
    // No prior find: the unique indexes decide, so two concurrent registrations cannot both win.
    const created = await model.create(doc);
    return created.toObject();
  } catch (err) {
    if (isDuplicateKeyError(err)) throw await conflictFor(err, model, doc);
    throw err;
  }
}

/** A new party (当事人) account. 409 PHONE_TAKEN / ID_NUMBER_TAKEN when already registered. */
export async function registerParty(deps: UserServiceDeps, input: NewUser): Promise<UserDoc> {
  return insertUser(deps, await userDocument(deps, input, ['party']));
}

/** A court staff account (used by the seed and, later, by administration). */
export async function createStaffUser(deps: UserServiceDeps, input: StaffUser): Promise<UserDoc> {
  return insertUser(deps, await userDocument(deps, input, input.roles, input.courtId));
}

// Verifying against a throw-away hash when the phone is unknown makes both failures take
// the same time, so response timing does not reveal which phone numbers have accounts.
let dummyHash: Promise<string> | undefined;

/** The user if the phone and password match, otherwise undefined (never says which was wrong). */
export async function authenticateByPhone(deps: UserServiceDeps, phone: string, password: string): Promise<UserDoc | undefined> {
  const user = await userModel(deps.connection)
    .findOne({ phoneHash: deps.cipher.lookupHash('phone', phone) })
    .lean<UserDoc>()
    .exec();
  if (!user) {
    await verifyPassword(password, await (dummyHash ??= hashPassword('microcourt-timing-equaliser')));
    return undefined;
  }
  return (await verifyPassword(password, user.passwordHash)) ? user : undefined;
}

export async function findUserById(deps: Pick<UserServiceDeps, 'connection'>, id: string): Promise<UserDoc | null> {
  // A malformed id cannot name a user; answering "not found" beats a cast error.
  if (!isValidObjectId(id)) return null;
  return userModel(deps.connection).findById(id).lean<UserDoc>().exec();
}

/** The public view of a user; 404 USER_NOT_FOUND if there is none. */
export async function getUserView(deps: Pick<UserServiceDeps, 'connection'>, id: string): Promise<PublicUser> {
  const user = await findUserById(deps, id);
  if (!user) throw errors.notFound('The user', 'USER_NOT_FOUND');
  return publicUserView(user);
}
