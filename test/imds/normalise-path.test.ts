import t from 'tap';
import { hasBadEscape, MAX_PATH_LENGTH, normalisePath, pathOf, ROUTE_KEYS, routeKeyOf } from '../../src/imds/normalise-path.js';

t.test('pathOf strips the query string', async (t) => {
  t.equal(pathOf('/latest/meta-data/?a=1&b'), '/latest/meta-data/', 'query removed');
  t.equal(pathOf('/latest'), '/latest', 'no query, unchanged');
  t.equal(pathOf('/?'), '/', 'an empty query is removed too');
});

t.test('collapses repeated slashes and drops a trailing slash', async (t) => {
  const cases: Array<[string, string]> = [
    ['/', '/'],
    ['//', '/'],
    ['/latest/', '/latest'],
    ['//latest/meta-data/iam/security-credentials/', '/latest/meta-data/iam/security-credentials'],
    ['/latest///meta-data//placement/region//', '/latest/meta-data/placement/region'],
  ];
  for (const [input, expected] of cases) t.equal(normalisePath(input), expected, `${input} -> ${expected}`);
});

t.test('decodes percent-escapes safely', async (t) => {
  t.equal(normalisePath('/latest/meta%2Ddata'), '/latest/meta-data', 'an escaped dash decodes');
  t.equal(normalisePath('/a/role%40x'), '/a/role@x', 'an escaped @ decodes');
  t.equal(normalisePath('/a/%E0%A4%A'), undefined, 'a truncated escape is refused');
  t.equal(normalisePath('/a/%zz'), undefined, 'a malformed escape is refused');
  t.equal(normalisePath('/a/%00'), undefined, 'NUL is refused');
  t.equal(normalisePath('/a/%0A'), undefined, 'a newline is refused');
  t.equal(normalisePath('/a%2Fb'), undefined, 'an escaped slash is refused');
  t.equal(normalisePath('/a%5Cb'), undefined, 'an escaped backslash is refused');
});

t.test('refuses dot segments instead of resolving them', async (t) => {
  t.equal(normalisePath('/latest/../latest/meta-data'), undefined, '.. is refused');
  t.equal(normalisePath('/latest/%2e%2e/meta-data'), undefined, 'escaped .. is refused');
  t.equal(normalisePath('/latest/%2E./meta-data'), undefined, 'half-escaped .. is refused');
  t.equal(normalisePath('/latest/./meta-data'), undefined, '. is refused');
  t.equal(normalisePath('/latest/...'), '/latest/...', 'three dots are an ordinary name');
});

t.test('refuses targets that are not origin-form or are too long', async (t) => {
  t.equal(normalisePath('http://169.254.169.254/latest'), undefined, 'absolute-form is refused');
  t.equal(normalisePath('*'), undefined, 'asterisk-form is refused');
  t.equal(normalisePath(''), undefined, 'an empty target is refused');
  t.equal(normalisePath(`/${'a'.repeat(MAX_PATH_LENGTH)}`), undefined, 'a path over the limit is refused');
  t.equal(normalisePath(`/${'a'.repeat(MAX_PATH_LENGTH - 1)}`), `/${'a'.repeat(MAX_PATH_LENGTH - 1)}`, 'a path at the limit is fine');
});

t.test('hasBadEscape finds targets whose path cannot be decoded', async (t) => {
  t.notOk(hasBadEscape('/latest/meta-data'), 'no escape at all');
  t.notOk(hasBadEscape('/latest/meta%2Ddata'), 'a good escape');
  t.ok(hasBadEscape('/%zz/latest'), 'not hex');
  t.ok(hasBadEscape('/a/%ed%a0%80'), 'hex, but not UTF-8 (a lone surrogate)');
  t.notOk(hasBadEscape('/latest?x=%zz'), 'the query is not the path');
  t.notOk(hasBadEscape('/latest#%zz'), 'nor is a fragment');
});

t.test('routeKeyOf routes by the canonical path, or one of three keys', async (t) => {
  const routes = new Set(['/latest/api/token', '/latest/meta-data']);
  t.equal(routeKeyOf('/latest/meta-data?x=1', routes), '/latest/meta-data', 'the canonical spelling, its query dropped');
  t.equal(routeKeyOf('//latest/meta%2Ddata/', routes), '/latest/meta-data', 'an odd spelling of a route');
  t.equal(routeKeyOf('/latest/%zz', routes), ROUTE_KEYS.malformed, 'a malformed escape');
  t.equal(routeKeyOf('/2021-03-23/api/token', routes), ROUTE_KEYS.versionedToken, 'a token path under a version');
  t.equal(routeKeyOf('/latest/../latest/meta-data', routes), ROUTE_KEYS.unknown, 'a path normalisePath refuses');
  t.equal(routeKeyOf('/latest/meta-data%25', routes), ROUTE_KEYS.unknown, 'a path that is no route (its escape is never decoded twice)');
  for (const key of Object.values(ROUTE_KEYS)) t.equal(routeKeyOf(key, routes), key === ROUTE_KEYS.versionedToken ? key : ROUTE_KEYS.unknown, `${key} sent as a path`);
});
