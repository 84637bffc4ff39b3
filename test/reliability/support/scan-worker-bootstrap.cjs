// Starts scan-worker.ts in a forked process: registers tsx (TypeScript) and the .md loader the
// rule modules need, then loads the worker named on the command line.
'use strict';
require('tsx/cjs/api').register();
require('../../support/register-md.cjs');
require(process.argv[2]);
