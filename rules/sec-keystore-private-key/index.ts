import { defineRule } from '../../server/src/engine/define-rule';
import { javaKeyStorePasswordMatches, readJavaKeyStore } from '../lib/java-keystore';
import { macVerifies, pkcs12Mac, type Pkcs12Mac } from '../lib/pkcs12';
import docs from './docs.md';

/**
 * Store passwords that tools and tutorials use by default: none at all (`openssl pkcs12 -export
 * -passout pass:`), `keytool`'s `changeit`, Android's `android`, and the usual placeholders. A store
 * under one of them protects nothing.
 */
const DEFAULT_PASSWORDS = ['', 'changeit', 'changeme', 'password', 'secret', 'android', 'keystore', '123456'];
/** Google's password on every P12 service-account key: sec-gcp-p12-key reports those. */
const GOOGLE_P12_PASSWORD = 'notasecret';
/** Android's debug signing key (alias, password `android`): every SDK makes one; it signs nothing that ships. */
const ANDROID_DEBUG_ALIAS = 'androiddebugkey';
/** Above this many MAC iterations the default passwords are not tried (OpenSSL writes 2,048, Java 10,000). */
const MAX_GUESS_ITERATIONS = 20_000;

/** The DER OIDs of PKCS#12's key bags (RFC 7292): keyBag and pkcs8ShroudedKeyBag, 1.2.840.113549.1.12.10.1.{1,2}. */
const KEY_BAG_OIDS = ['060b2a864886f70d010c0a0101', '060b2a864886f70d010c0a0102'].map((hex) => Buffer.from(hex, 'hex'));

interface Store {
  readonly kind: string;
  /** Aliases of the private keys, when the format names them. */
  readonly aliases: readonly string[];
  readonly opens: (password: string) => boolean;
  readonly androidDebug: boolean;
}

export default defineRule({
  id: 'sec-keystore-private-key',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: '*',
  keywords: [],
  binaryFiles: /\.(?:jks|jceks|keystore|p12|pfx)$/i,
  options: {
    anyPassword: {
      type: 'boolean',
      default: false,
      description: 'Also report (as a warning) a store with a private key under a password that is not a known default.',
    },
  },
  docs,
  check({ document, options, report }) {
    const bytes = document.bytes;
    if (!bytes) return;
    const store = javaStore(bytes) ?? pkcs12Store(bytes);
    if (!store || store.opens(GOOGLE_P12_PASSWORD)) return;
    const known = DEFAULT_PASSWORDS.find((password) => store.opens(password));
    if (known === 'android' && store.androidDebug) return;
    // Under a password of its own, a store is how many teams keep a signing key on purpose (the
    // password in a CI secret); secretlint and detect-secrets pass it too. Opt-in.
    if (known === undefined && options.anyPassword !== true) return;
    const keys = store.aliases.length > 0 ? `private key${store.aliases.length > 1 ? 's' : ''} ${store.aliases.map((alias) => `'${alias}'`).join(', ')}` : 'a private key';
    report({
      span: [0, 0],
      severity: known !== undefined ? 'error' : 'warning',
      message:
        known !== undefined
          ? `${store.kind} holding ${keys}, under an empty or well-known default store password: anyone with the file has the key, and whatever trusts its certificate trusts them until the certificate expires; keep the key in a secret store, KMS or HSM and rotate it.`
          : `${store.kind} holding ${keys} is committed: every clone and the history keep the key, and its password is usually beside it in the build configuration; keep the key in a secret store, KMS or HSM, load it at run time, and rotate it.`,
      construct: store.kind,
    });
  },
});

function javaStore(bytes: Uint8Array): Store | undefined {
  const store = readJavaKeyStore(bytes);
  if (!store || store.privateKeys.length === 0) return undefined;
  return {
    kind: `Java key store (${store.type})`,
    aliases: store.privateKeys,
    opens: (password) => javaKeyStorePasswordMatches(bytes, password),
    androidDebug: store.privateKeys.every((alias) => alias.toLowerCase() === ANDROID_DEBUG_ALIAS),
  };
}

/** A PKCS#12 file whose unencrypted contents hold a key bag (a trust store holds certificate bags only). */
function pkcs12Store(bytes: Uint8Array): Store | undefined {
  const mac = pkcs12Mac(bytes);
  if (!mac) return undefined;
  const content = Buffer.from(mac.content.buffer, mac.content.byteOffset, mac.content.byteLength);
  if (!KEY_BAG_OIDS.some((oid) => content.includes(oid))) return undefined;
  return {
    kind: 'PKCS#12 key store',
    aliases: [],
    opens: (password) => guessable(mac) && macVerifies(mac, password),
    // The key's friendly name, a BMPString in the bag's attributes.
    androidDebug: content.includes(Buffer.from(ANDROID_DEBUG_ALIAS, 'utf16le').swap16()),
  };
}

function guessable(mac: Pkcs12Mac): boolean {
  return mac.iterations <= MAX_GUESS_ITERATIONS;
}
