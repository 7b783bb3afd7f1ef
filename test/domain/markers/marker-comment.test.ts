import { describe, expect, it } from 'vitest';
import { parseMarkerComment } from '../../../lib/domain/markers/marker-comment.ts';

describe('parseMarkerComment', () => {
  it.each([
    ['# {"$imagepolicy": "apps:web"}', 'apps:web'],
    ['#{"$imagepolicy":"apps:web"}', 'apps:web'],
    ['### {"$imagepolicy": "apps:web:tag"}', 'apps:web:tag'],
    [' {"$imagepolicy": "apps:web"}  ', 'apps:web'],
    ['# \t{"$imagepolicy": "apps:web"}\t', 'apps:web'],
    ['# {"$imagepolicy": "apps:web", "note": "any string"}', 'apps:web'],
    ['# {"note": "first", "$imagepolicy": "apps:web"}', 'apps:web'],
    ['# {"$imagepolicy": "apps:old", "$imagepolicy": "apps:new"}', 'apps:new'],
    // Go decodes `null` into a map[string]string entry as "" without an error.
    ['# {"$imagepolicy": "apps:web", "x": null}', 'apps:web'],
    ['# {"$imagepolicy": "name-only"}', 'name-only'],
  ])('%s → %s', (comment, setter) => {
    expect(parseMarkerComment(comment)).toBe(setter);
  });

  it.each([
    ['# {"$imagepolicy": "apps:web"} bump please', 'trailing text'],
    ["# {'$imagepolicy': 'apps:web'}", 'single quotes'],
    ['# {$imagepolicy: apps:web}', 'not JSON'],
    ['# {"$imagepolicy": ""}', 'empty setter'],
    ['# {"$imagepolicy": null}', 'null setter'],
    ['# {"$imagepolicy": "apps:web", "n": 1}', 'a number value'],
    ['# {"$imagepolicy": "apps:web", "b": true}', 'a boolean value'],
    ['# {"$imagepolicy": ["apps:web"]}', 'an array value'],
    ['# {"$imagepolicy": {"name": "apps:web"}}', 'an object value'],
    ['# {"$ImagePolicy": "apps:web"}', 'key is case-sensitive'],
    ['# {"imagepolicy": "apps:web"}', 'missing $'],
    ['# ["$imagepolicy", "apps:web"]', 'an array'],
    ['# null', 'null'],
    ['# "$imagepolicy"', 'a string'],
    ['# image: foo # {"$imagepolicy": "apps:web"}', 'a commented-out line'],
    ['//{"$imagepolicy": "apps:web"}', 'not a # comment body'],
    ['', 'empty'],
  ])('%s is not a marker (%s)', (comment) => {
    expect(parseMarkerComment(comment)).toBeUndefined();
  });
});
