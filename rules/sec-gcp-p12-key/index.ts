import { defineRule } from '../../server/src/engine/define-rule';
import { macVerifies, pkcs12Mac } from '../lib/pkcs12';
import docs from './docs.md';

/** The password Google sets on every service-account key it issues in PKCS#12 form. */
const GOOGLE_P12_PASSWORD = 'notasecret';

export default defineRule({
  id: 'sec-gcp-p12-key',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: '*',
  keywords: [],
  binaryFiles: /\.(?:p12|pfx)$/i,
  docs,
  check({ document, report }) {
    const bytes = document.bytes;
    if (!bytes) return;
    const mac = pkcs12Mac(bytes);
    // A key store under any other password may hold only certificates (a trust store); this one
    // opens with a password Google publishes, so its private key is as good as plain text.
    if (!mac || !macVerifies(mac, GOOGLE_P12_PASSWORD)) return;
    report({
      span: [0, 0],
      message:
        "Google Cloud service-account key in PKCS#12 form, protected only by Google's published default password: anyone who reads the file authenticates as the service account until the key is deleted; use workload identity federation or an attached service account instead.",
      construct: 'pkcs12',
    });
  },
});
