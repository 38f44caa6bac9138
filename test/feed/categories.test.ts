import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { LetterpodError } from '../../src/errors.js';
import { APPLE_CATEGORIES, categoryNames, categoryProblem, isAppleCategory } from '../../src/spec/apple-categories.js';
import { personProblem } from '../../src/feed/people.js';

function config(show: Record<string, unknown>) {
  return parseConfig(
    {
      show: {
        title: 'T',
        description: 'D',
        author: 'A',
        owner: { name: 'O', email: 'o@example.org' },
        link: 'https://example.org/',
        ...show,
      },
    },
    '/tmp/show/letterpod.config.json',
    '/tmp/show',
  );
}

describe("Apple's categories", () => {
  it('has the 19 categories of the current list and their subcategories', () => {
    expect(Object.keys(APPLE_CATEGORIES)).toHaveLength(19);
    expect(categoryNames()).toHaveLength(19 + 91);
    expect(isAppleCategory('Technology')).toBe(true);
    expect(isAppleCategory('Society & Culture', 'Philosophy')).toBe(true);
    expect(isAppleCategory('Leisure', 'Animation & Manga')).toBe(true);
    // the pre-2019 names are gone
    expect(isAppleCategory('Games & Hobbies')).toBe(false);
    expect(isAppleCategory('Technology', 'Podcasting')).toBe(false);
    // case matters to Apple
    expect(isAppleCategory('Kids & family')).toBe(false);
    expect(isAppleCategory('constructor')).toBe(false);
  });

  it('says what is wrong and suggests the entry meant', () => {
    expect(categoryProblem('Technology')).toBeUndefined();
    expect(categoryProblem('Society & Culture > Philosophy')).toBeUndefined();
    expect(categoryProblem('Kids & family')).toMatch(/did you mean "Kids & Family"/);
    expect(categoryProblem('Technolgy')).toMatch(/did you mean "Technology"/);
    expect(categoryProblem('Philosophy')).toMatch(/did you mean "Society & Culture > Philosophy"/);
    expect(categoryProblem('Technology > Podcasting')).toMatch(/"Podcasting" is not a subcategory of "Technology"/);
    expect(categoryProblem('Arts > Books > Poetry')).toMatch(/more than one subcategory/);
  });

  it('makes an unknown category a config error naming the file and the field', () => {
    expect(config({ category: 'Technology' }).show.category).toBe('Technology');
    expect(config({}).show.category).toBe('Technology');
    let error: unknown;
    try {
      config({ category: 'Tech' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LetterpodError);
    expect((error as LetterpodError).file).toBe('/tmp/show/letterpod.config.json');
    expect((error as LetterpodError).message).toMatch(/show\.category: "Tech" is not an Apple Podcasts category/);
  });
});

describe('people', () => {
  it('links people by the names the config gives them, and refuses links to nobody', () => {
    const c = config({ narrator: 'Robert Miles', newsletterAuthor: 'Rohin Shah', people: { 'Rohin Shah': { href: 'https://rohinshah.com/' } } });
    expect(c.show.people['Rohin Shah']?.href).toBe('https://rohinshah.com/');
    expect(() => config({ narrator: 'Robert Miles', people: { 'Rohin Shah': { href: 'https://rohinshah.com/' } } })).toThrow(
      /show\.people\.Rohin Shah: names nobody/,
    );
    expect(() => config({ narrator: 'R', people: { R: { img: 'not a url' } } })).toThrow(/show\.people\.R\.img/);
  });

  it('knows the taxonomy roles the feed uses', () => {
    expect(personProblem('narrator', 'cast')).toBeUndefined();
    expect(personProblem('Author', 'Writing')).toBeUndefined();
    expect(personProblem(undefined, undefined)).toBeUndefined(); // host in cast
    expect(personProblem('narrator', 'writing')).toMatch(/not in group "writing"/);
    expect(personProblem('host', 'band')).toMatch(/group "band"/);
  });
});
