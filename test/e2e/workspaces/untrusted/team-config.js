// Executing this file leaves a marker next to it. The restricted-mode scenario opens this folder
// without trusting it and checks that the marker never appears (and that it does once trusted).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

writeFileSync(join(__dirname, 'team-config-was-executed.marker'), `executed by process ${process.pid}\n`);

module.exports = { rules: {} };
