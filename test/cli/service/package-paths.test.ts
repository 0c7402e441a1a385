import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE, packagePaths, readTemplate } from '../../../src/cli/service/package-paths.js';

t.test('the package root is found from source and from the build', async (t) => {
  const fromSource = packagePaths(pathToFileURL('/opt/imdsd/src/cli/service/package-paths.ts').href);
  t.equal(fromSource.root, '/opt/imdsd', 'from src/cli/service');
  t.equal(fromSource.cli, '/opt/imdsd/dist/src/cli/main.js', 'the CLI is always the built one');
  const fromBuild = packagePaths(pathToFileURL('/usr/lib/node_modules/imdsd/dist/src/cli/service/package-paths.js').href);
  t.equal(fromBuild.root, '/usr/lib/node_modules/imdsd', 'from dist/src/cli/service');
  t.equal(fromBuild.cli, '/usr/lib/node_modules/imdsd/dist/src/cli/main.js', 'the CLI beside it');
  t.equal(fromBuild.plistTemplate, '/usr/lib/node_modules/imdsd/launchd/imdsd.plist.template', 'the plist template');
  t.equal(fromBuild.userUnitTemplate, '/usr/lib/node_modules/imdsd/systemd/imdsd.service.template', 'the user unit template');
  t.notOk('systemUnitTemplate' in fromBuild, 'no template of a unit root loads: those are built in (root-units.ts, issue 18)');
});

t.test('this package has its templates where PACKAGE says', async (t) => {
  t.ok(existsSync(join(PACKAGE.root, 'package.json')), 'the root holds package.json');
  for (const path of [PACKAGE.plistTemplate, PACKAGE.userUnitTemplate]) {
    t.match(await readTemplate(path), /\{\{[A-Z_]+\}\}/, `${path} is a template`);
  }
});
