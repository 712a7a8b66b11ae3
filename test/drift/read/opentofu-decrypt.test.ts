import { decryptOpenTofuState } from '../../../lib/drift/read/opentofu-decrypt';
import { encryptLikeOpenTofu } from '../../fixtures/drift/build/encrypt-opentofu';

describe('decryptOpenTofuState (pbkdf2 + aes_gcm)', () => {
  const envelope = (plaintext = '{"version":4}') => {
    const raw = encryptLikeOpenTofu(plaintext, 'a passphrase of sixteen+', 'test', 1000);
    return { data: raw.encrypted_data as string, meta: raw.meta as Record<string, string>, version: raw.encryption_version as string };
  };
  test('round trip', () => {
    expect(decryptOpenTofuState(envelope(), 'a passphrase of sixteen+', 'f').toString()).toBe('{"version":4}');
  });
  test('wrong passphrase', () => {
    expect(() => decryptOpenTofuState(envelope(), 'wrong', 'f')).toThrow('f: is an OpenTofu encrypted state that the given passphrase does not decrypt');
  });
  test('another key provider', () => {
    expect(() => decryptOpenTofuState({ ...envelope(), meta: { 'key_provider.aws_kms.main': Buffer.from('{"ciphertext_blob":"x"}').toString('base64') } }, 'p', 'f')).toThrow(
      'f: is an OpenTofu encrypted state whose key provider is not pbkdf2 (metadata: key_provider.aws_kms.main)',
    );
  });
  test('another encryption version', () => {
    expect(() => decryptOpenTofuState({ ...envelope(), version: 'v1' }, 'p', 'f')).toThrow('encryption_version "v1"; cast-drift decrypts v0');
  });
  test('corrupted data', () => {
    expect(() => decryptOpenTofuState({ ...envelope(), data: 'AAAA' }, 'p', 'f')).toThrow('too short');
  });
});
