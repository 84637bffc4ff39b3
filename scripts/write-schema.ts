// Regenerates schemas/nhi-hygiene.schema.json from the rule registry: `npm run schema`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../rules';
import { configSchema } from '../server/src/node/config-schema';

writeFileSync(join(__dirname, '..', 'schemas', 'nhi-hygiene.schema.json'), JSON.stringify(configSchema(allRules), null, 2) + '\n');
