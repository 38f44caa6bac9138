import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/speech/sentences.js';
import { twoDigitWords, yearWords } from '../../src/newsletter/spoken-numbers.js';
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

/** [input, spoken] pairs per rule: real-looking sentences written for these tests. */
const CASES: Record<string, ReadonlyArray<readonly [string, string]>> = {
  'latin abbreviations': [
    ['systems that act (e.g. writing emails) in the world', 'systems that act (for example writing emails) in the world'],
    ['a cause, e.g., an agent that drinks', 'a cause, for example, an agent that drinks'],
    ['(E.g., splitting across 64 GPUs)', '(For example, splitting across 64 GPUs)'],
    ['one player is honest (i.e. argues for the truth)', 'one player is honest (that is argues for the truth)'],
    ['I.e. the same thing', 'That is the same thing'],
    ['linear vs diminishing returns, fairness vs. safety', 'linear versus diminishing returns, fairness versus safety'],
    ['two teams of N vs. N tanks', 'two teams of N versus N tanks'],
    ['cf. the earlier post', 'compare the earlier post'],
    ['chairs, tables, etc. and more', 'chairs, tables, etc. and more'],
    ['cfg, vsync, egg, eg and ie stay', 'cfg, vsync, egg, eg and ie stay'],
  ],
  'function notation': [
    ['we model p(x | z) and p(s|o)', 'we model p of x given z and p of s given o'],
    ['to compute p(x)', 'to compute p of x'],
    ['it runs in O(n^2) time', 'it runs in O of n squared time'],
    ['with reward r = E[U(a)], where', 'with reward r = E of U of a, where'],
    ['a model q(s-next|s, a) that', 'a model q of s-next given s, a that'],
    ['minimize I(X; Z | Y) - γ I(Y; Z)', 'minimize I(X; Z given Y) - gamma I(Y; Z)'],
    ['two cases: (a) the agent(s) and b (say) x', 'two cases: (a) the agent(s) and b (say) x'],
  ],
  'number scales': [
    ['the model has 175B parameters', 'the model has 175 billion parameters'],
    ['about 1.6k words, or 8.3k in full', 'about 1.6 thousand words, or 8.3 thousand in full'],
    ['the Amazon-670K and Delicious 200k datasets', 'the Amazon-670 thousand and Delicious 200 thousand datasets'],
    ['a 10M grant and a 2bn fund', 'a 10 million grant and a 2 billion fund'],
    ['2D navigation, a 1D convolution, beliefs B1 and B2', '2D navigation, a 1D convolution, beliefs B1 and B2'],
  ],
  multipliers: [
    ['models that are 10x bigger and 1.3x faster', 'models that are 10 times bigger and 1.3 times faster'],
    ['a 64x memory reduction, a 10,000x speedup', 'a 64 times memory reduction, a 10,000 times speedup'],
    ['address 0x1F and axis x0 stay', 'address 0x1F and axis x0 stay'],
  ],
  currency: [
    ['a call to provide $35 billion in funding', 'a call to provide 35 billion dollars in funding'],
    ['a $1M prize and $100 each', 'a 1 million dollars prize and 100 dollars each'],
    ['pays $1 if true and $0 otherwise', 'pays 1 dollar if true and 0 dollars otherwise'],
    ['a fund of US$16 billion for AI', 'a fund of 16 billion US dollars for AI'],
    ['it costs $1,999.50 today', 'it costs 1,999.50 dollars today'],
  ],
  'number ranges': [
    ['a 30-40% chance, and 10–20% likely', 'a 30 to 40% chance, and 10 to 20% likely'],
    ['held online from May 13-17.', 'held online from May 13 to 17.'],
    ['on May 14th-17th; trained to 80 - 90% accuracy', 'on May 14th to 17th; trained to 80 to 90% accuracy'],
    ['support 2-3 applicants in a 10-30 year horizon', 'support 2 to 3 applicants in a 10 to 30 year horizon'],
    ['RSA-2048, N-1 players, 2-digit sums, on 2020-03-25', 'RSA-2048, N-1 players, 2-digit sums, on 2020-03-25'],
  ],
  decades: [
    ['since the 1990s and in the 2010s', 'since the nineteen nineties and in the twenty tens'],
    ['the 1900s and the 2000s', 'the nineteen hundreds and the two thousands'],
    ["music of the '80s and the 90s", 'music of the eighties and the nineties'],
    ['with 10s of billions of frames', 'with tens of billions of frames'],
    ['it took 10s to run', 'it took 10s to run'],
  ],
  years: [
    ['This paper from 2018 proposed it', 'This paper from twenty eighteen proposed it'],
    ['than Saxton et al (2019), but', 'than Saxton et al. (twenty nineteen), but'],
    ['every 5 years from 1957 to 2020, and since 2010,', 'every 5 years from nineteen fifty-seven to twenty twenty, and since twenty ten,'],
    ['from 2006-2020 and in 2018-19', 'from 2006 to twenty twenty and in twenty eighteen to 19'],
    ['in 1905, 1900 and 2005', 'in nineteen oh five, nineteen hundred and 2005'],
    ['NeurIPS 2020 and a September 2019 conference', 'NeurIPS twenty twenty and a September twenty nineteen conference'],
    ['in 1850 and since 1492; 1500 samples', 'in eighteen fifty and since fourteen ninety-two; 1500 samples'],
    ['RSA-2048, 2100 matches, 9000 samples, 1999% and 2019.5', 'RSA-2048, 2100 matches, 9000 samples, 1999% and 2019.5'],
    ['Newsletter #2019 costs $1999', 'Newsletter number 2019 costs 1999 dollars'],
  ],
  'round ordinals': [
    ['the 100th and the 1,000th run', 'the 1 hundredth and the 1 thousandth run'],
    ['the 3rd, 21st and 110th place', 'the 3rd, 21st and 110th place'],
  ],
  acronyms: [
    ['reinforcement learning (UDRL) and AIRL', 'reinforcement learning (U-D-R-L) and A-I-R-L'],
    ['a POMDP, word averages, LSTMs, or an LSTM', "a P-O-M-D-P, word averages, L-S-T-M's, or an LSTM"],
    ['summarized in AN #80 and HLAI', 'summarized in A-N number 80 and H-L-A-I'],
    ['AI, AGI, RL and GPT-3 stay as written', 'AI, AGI, RL and GPT-3 stay as written'],
    ['GAN and ANOVA and an AN', 'GAN and ANOVA and an AN'],
  ],
};

describe('spoken-form rules', () => {
  for (const [rule, cases] of Object.entries(CASES)) {
    it(`${rule}`, () => {
      expect(SPOKEN_RULES.map((r) => r.name)).toContain(rule);
      for (const [input, spoken] of cases) expect(toSpoken(input), input).toBe(spoken);
    });
  }

  it('says numbers espeak-ng reads well as written', () => {
    for (const s of ['1.5 billion parameters', '84.92% accuracy', '3,600 words', '69,000 words', 'the 21st century', 'GPT-2 and CIFAR-10']) {
      expect(toSpoken(s)).toBe(s);
    }
  });

  it('words for years', () => {
    expect([1956, 1905, 1900, 2000, 2006, 2010, 2018, 2099, 1492].map(yearWords)).toEqual([
      'nineteen fifty-six',
      'nineteen oh five',
      'nineteen hundred',
      'two thousand',
      'two thousand six',
      'twenty ten',
      'twenty eighteen',
      'twenty ninety-nine',
      'fourteen ninety-two',
    ]);
    expect([0, 7, 13, 20, 42, 99].map(twoDigitWords)).toEqual(['zero', 'seven', 'thirteen', 'twenty', 'forty-two', 'ninety-nine']);
  });

  it('keeps "e.g." and "et al." from ending sentences', () => {
    const spoken = toSpoken('Some tasks (e.g. Atari) are hard. See Smith et al. Their results hold.');
    expect(splitSentences(spoken)).toEqual(['Some tasks (for example Atari) are hard.', 'See Smith et al. Their results hold.']);
    expect(splitSentences(toSpoken('Many methods, e.g. PPO, work. Others fail.'))).toEqual(['Many methods, for example PPO, work.', 'Others fail.']);
  });
});
