import { describe, expect, it } from 'vitest';
import { SPOKEN_RULES, toSpoken } from '../../src/newsletter/spoken.js';

describe('toSpoken', () => {
  it('keeps link text and drops the URL', () => {
    expect(toSpoken('see **[this post](https://example.com/a_(b))** for more')).toBe('see this post for more');
    expect(toSpoken('a [link](http://x.org "title") and <https://y.org> here')).toBe('a link and here');
  });

  it('drops bare URLs and www addresses', () => {
    expect(toSpoken('Read it at https://example.com/x?y=1 today or www.example.org.')).toBe('Read it at today or.');
  });

  it('drops link citations like (AN #15), bold or not', () => {
    expect(toSpoken('gives **[mechanistic understandings](u)** (**[AN #15](https://mailchi.mp/x)**) of systems')).toBe(
      'gives mechanistic understandings of systems',
    );
    expect(toSpoken('The biggest GPT-2 model (AN #46) had 1.5 billion parameters')).toBe(
      'The biggest GPT-2 model had 1.5 billion parameters',
    );
    expect(toSpoken('debate ([AN #5](u), [AN #6](v)) works')).toBe('debate works');
  });

  it('reads other issue numbers as "number"', () => {
    expect(toSpoken('See also [Import AI #183](https://jack-clark.net/)')).toBe('See also Import AI number 183');
    expect(toSpoken('**Newsletter #100 (!!)**')).toBe('Newsletter number 100');
  });

  it('removes emphasis, code and escapes', () => {
    expect(toSpoken('**Rohin\'s opinion:** I *like* `this` and __that__ \\* star')).toBe("Rohin's opinion: I like this and that star");
  });

  it('speaks escaped math without backslashes, braces or underscores', () => {
    expect(toSpoken('incentivizes **z\\_t** to have high mutual information with **x\\_{t+k}**.')).toBe(
      'incentivizes z t to have high mutual information with x t plus k.',
    );
    expect(toSpoken('elements of a\\_{k+1} and w\\_i')).toBe('elements of a k plus 1 and w i');
    expect(toSpoken('chance is k^2ε^2, much smaller if k^2 ε << 1')).toBe(
      'chance is k squared epsilon squared, much smaller if k squared epsilon much less than 1',
    );
  });

  it('says symbols as words', () => {
    expect(toSpoken('choose a policy π with a high β, where γ and δ and ε')).toBe(
      'choose a policy pi with a high beta, where gamma and delta and epsilon',
    );
    expect(toSpoken('the special symbol ⟂ instead')).toBe('the special symbol perpendicular instead');
    expect(toSpoken('poor performance (< 20% on addition) then > 50%')).toBe('poor performance (less than 20% on addition) then greater than 50%');
    expect(toSpoken('cannot do <property X> (say)')).toBe('cannot do property X (say)');
    expect(toSpoken('about ~700 words (k ~ 30)')).toBe('about about 700 words (k about 30)');
  });

  it('keeps other Unicode as written', () => {
    expect(toSpoken('Vojtěch Kovařík’s “debate” — café')).toBe('Vojtěch Kovařík’s “debate” — café');
  });

  it('completes "et al" and collapses whitespace', () => {
    expect(toSpoken('by  Ben Poole et al\n and  Tom B. Brown et al. ,')).toBe('by Ben Poole et al. and Tom B. Brown et al.,');
  });

  it('drops images and list bullets', () => {
    expect(toSpoken('![](https://cdn/x.png)\n- first\n- second')).toBe('first second');
  });

  it('is a list of named rules that callers can extend', () => {
    expect(SPOKEN_RULES.map((r) => r.name)).toContain('link citations');
    const shout = [...SPOKEN_RULES, { name: 'upper', apply: (s: string) => s.toUpperCase() }];
    expect(toSpoken('**a** [b](u)', shout)).toBe('A B');
  });
});
