/**
 * Decrypts an OpenTofu state encrypted with the `pbkdf2` key provider and the
 * `aes_gcm` method (OpenTofu 1.7+ `terraform { encryption { … } }`).
 *
 * The envelope is `{"encrypted_data": base64, "meta": {KEY: base64(JSON)},
 * "encryption_version": "v0"}`. The pbkdf2 metadata JSON is `{"salt": base64,
 * "iterations": n, "hash_function": "sha256"|"sha512", "key_length": n}`;
 * the key is PBKDF2(passphrase, salt, iterations, key_length, hash), and
 * `encrypted_data` is nonce (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes),
 * as OpenTofu's internal/encryption/method/aesgcm writes it. An `aad` set on
 * the method, and other key providers (KMS, OpenBao, external), are not
 * supported here: decrypt with `tofu` instead.
 */
import * as crypto from 'node:crypto';
import { EncryptedEnvelope } from './input-document';
import { asRecord, asString } from './state/json-shapes';
import { DriftInputError } from '../errors';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

interface Pbkdf2Metadata {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly hash: string;
  readonly keyLength: number;
}

/** How to get a readable state when cast-drift cannot decrypt one itself. */
export const DECRYPT_HINT =
  'run `tofu show -json > state.json` (or `tofu state pull`) where the encryption key is configured and pass that file, or, for the pbkdf2 key provider, give the passphrase with --state-passphrase-env VAR';

/** The plaintext state bytes; throws a DriftInputError naming the reason when it cannot decrypt. */
export function decryptOpenTofuState(envelope: EncryptedEnvelope, passphrase: string, file: string): Buffer {
  if (envelope.version !== 'v0') {
    throw new DriftInputError(`is an OpenTofu encrypted state of encryption_version "${envelope.version}"; cast-drift decrypts v0: ${DECRYPT_HINT}`, file);
  }
  const candidates = Object.entries(envelope.meta)
    .map(([key, value]) => pbkdf2Metadata(value) ?? key)
    .filter((entry): entry is Pbkdf2Metadata => typeof entry !== 'string');
  if (candidates.length === 0) {
    const providers = Object.keys(envelope.meta).join(', ') || 'none';
    throw new DriftInputError(`is an OpenTofu encrypted state whose key provider is not pbkdf2 (metadata: ${providers}): ${DECRYPT_HINT}`, file);
  }
  const data = Buffer.from(envelope.data, 'base64');
  if (data.length < NONCE_BYTES + TAG_BYTES) throw new DriftInputError('is an OpenTofu encrypted state whose encrypted_data is too short (corrupted?)', file);
  for (const meta of candidates) {
    try {
      const key = crypto.pbkdf2Sync(passphrase, meta.salt, meta.iterations, meta.keyLength, meta.hash);
      const decipher = crypto.createDecipheriv(`aes-${meta.keyLength * 8}-gcm` as crypto.CipherGCMTypes, key, data.subarray(0, NONCE_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      return Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      // Wrong passphrase, or this metadata entry is a fallback for another key: try the next.
    }
  }
  throw new DriftInputError('is an OpenTofu encrypted state that the given passphrase does not decrypt (wrong passphrase, or the aes_gcm method sets an aad)', file);
}

function pbkdf2Metadata(encoded: string): Pbkdf2Metadata | undefined {
  try {
    const meta = asRecord(JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')));
    const salt = asString(meta?.salt);
    const hash = asString(meta?.hash_function);
    const iterations = meta?.iterations;
    const keyLength = meta?.key_length;
    if (!salt || !hash || !['sha256', 'sha512'].includes(hash)) return undefined;
    if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < 1 || iterations > 1e8) return undefined;
    if (typeof keyLength !== 'number' || ![16, 24, 32].includes(keyLength)) return undefined;
    return { salt: Buffer.from(salt, 'base64'), iterations, hash, keyLength };
  } catch {
    return undefined;
  }
}
