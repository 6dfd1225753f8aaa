// dist/server.js, the language server's process entry: runs the server's bundle (dist/serverMain.js) through the
// code cache, so a server (re)start compiles little.
import path = require('path');
import { loadCachedBundle } from './cachedBundle';

loadCachedBundle(path.join(__dirname, 'serverMain.js'), require);
