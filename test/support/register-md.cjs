// Lets tests load `import docs from './docs.md'` from TypeScript sources, as esbuild's text
// loader does for the bundles.
const { readFileSync } = require('node:fs');

require.extensions['.md'] = (module, filename) => {
  module.exports = { __esModule: true, default: readFileSync(filename, 'utf8') };
};
