// Entry point of the bundled language server (dist/server.js), started by the VS Code client.
import { startLanguageServer } from './start';

startLanguageServer();
