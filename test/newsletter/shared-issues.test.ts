/**
 * The parser against every real issue in ../shared/newsletters (read in place, never copied).
 * Expected titles, authors and headings below were checked by reading the files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { readIssue, type Issue, type Section } from '../../src/newsletter/index.js';
import { describeShared, hasShared, sharedPath } from '../helpers/shared.js';

const files = hasShared
  ? readdirSync(sharedPath('newsletters'))
      .filter((f) => /\.(md|txt)$/.test(f))
      .sort()
  : [];

/** #84 has no "(summarized by": its review rule gives one summary per bold topic (14, counted by hand). */
const REVIEW_84_TOPICS = [
  'Basic analysis of AI risk',
  'Agency and optimization',
  'Value learning',
  'Robustness',
  'Scaling to superhuman abilities',
  'Universality',
  'Interpretability',
  'Impact regularization',
  'Causal modeling',
  'Oracles',
  'Decision theory',
  'Forecasting',
  'AI Progress',
  'Field building',
];

/** Summaries whose head has no link at all in the source (so their first link is not a title link). */
const NO_TITLE_LINK = new Set(['an-097.md:Various trends relevant to AI alignment']);

const issues = new Map<string, Issue>();
const of = (file: string): Issue => {
  const issue = issues.get(file);
  if (!issue) throw new Error(`${file} was not parsed`);
  return issue;
};
const kinds = (issue: Issue, kind: Section['kind']): Section[] => issue.sections.filter((s) => s.kind === kind);
const byTitle = (issue: Issue, title: string): Section => {
  const s = issue.sections.find((x) => x.title === title);
  if (!s) throw new Error(`no section titled ${title} in #${issue.number}`);
  return s;
};

describeShared('newsletter: every issue in ../shared/newsletters', () => {
  beforeAll(async () => {
    for (const f of files) issues.set(f, await readIssue(sharedPath('newsletters', f)));
  });

  it('has all 23 issue texts', () => {
    expect(files.length).toBe(23);
    expect(files).toContain('an-102.txt');
  });

  it.each(files)('%s: one summary per "(summarized by", and the right number', (f) => {
    const text = readFileSync(sharedPath('newsletters', f), 'utf8');
    const issue = of(f);
    const expected = f === 'an-084.md' ? REVIEW_84_TOPICS.length : text.split('(summarized by').length - 1;
    expect(kinds(issue, 'summary').length).toBe(expected);
    expect(issue.number).toBe(Number(/an-(\d+)/.exec(f)![1]));
    expect(issue.source).toBe(sharedPath('newsletters', f));
    expect(issue.format).toBe(f.endsWith('.txt') ? 'plain' : 'an-markdown');
    expect(issue.sections[0]!.kind).toBe('intro');
    expect(issue.sections.map((s) => s.id)).toEqual(issue.sections.map((_, i) => `s${i + 1}`));
  });

  it.each(files)('%s: spoken text has no URLs, markdown or footer junk', (f) => {
    for (const s of of(f).sections) {
      const where = `${f} ${s.id} ${s.title}`;
      expect(s.text, where).not.toBe('');
      expect(s.text, where).not.toMatch(/https?:|www\./i);
      expect(s.text, where).not.toMatch(/\*\*|\]\(|\\_|[[\]#\\{}`_*]/);
      expect(s.text, where).not.toMatch(
        /unsubscribe|mailing address|copyright|view this email|update your preferences|receive these emails|new comment|audio version/i,
      );
      expect(s.text, where).not.toMatch(/\(AN (?:#|number) ?\d+\)|Read more:|Prerequisit\w*:/i);
      expect(s.text, where).not.toMatch(/\s{2}|^\s|\s$/);
    }
  });

  it.each(files.filter((f) => f.endsWith('.md') && f !== 'an-084.md'))('%s: a summary\'s first link is its title link', (f) => {
    for (const s of kinds(of(f), 'summary')) {
      if (NO_TITLE_LINK.has(`${f}:${s.title}`)) continue;
      const first = s.links[0];
      expect(first, `${f} ${s.title}`).toBeDefined();
      expect(s.title, f).toContain(first!.text);
      expect(first!.url).toMatch(/^https?:\/\//);
    }
  });

  it('front matter gives title (prefix stripped), date, url and author', () => {
    expect(of('an-092.md')).toMatchObject({
      number: 92,
      title: 'Learning good representations with contrastive predictive coding',
      published: '2020-03-25T17:20:02Z',
      url: 'https://www.alignmentforum.org/posts/XE6LD2c9NtB7gMdEm/an-92-learning-good-representations-with-contrastive',
      author: 'Rohin Shah',
    });
    expect(of('an-084.md').title).toBe('Reviewing AI alignment work in 2018-19');
    expect(of('an-102.txt')).toMatchObject({ number: 102, title: 'Alignment Newsletter #102', format: 'plain' });
    expect(of('an-102.txt').published).toBeUndefined();
  });

  it('#79 (setext headings, unbolded titles, two opinions)', () => {
    const issue = of('an-079.md');
    expect(kinds(issue, 'heading').map((s) => s.title)).toEqual([
      'Highlights',
      'Technical AI alignment',
      'Learning human intent',
      'Forecasting',
      'Field building',
      'Miscellaneous (Alignment)',
      'Other progress in AI',
      'Reinforcement learning',
    ]);
    expect(kinds(issue, 'heading').map((s) => s.text)).toContain('Technical AI alignment');
    const podcast = kinds(issue, 'summary')[0]!;
    expect(podcast).toMatchObject({
      title: 'AI Alignment Podcast: On DeepMind, AI Safety, and Recursive Reward Modeling',
      authors: 'Lucas Perry and Jan Leike',
      summarizer: 'Rohin',
    });
    expect(podcast.links[0]!.url).toBe(
      'https://futureoflife.org/2019/12/16/ai-alignment-podcast-on-deepmind-ai-safety-and-recursive-reward-modeling-with-jan-leike/',
    );
    const causal = byTitle(issue, 'Causal Confusion in Imitation Learning');
    expect(causal).toMatchObject({ authors: 'Pim de Haan et al', summarizer: 'Asya' });
    expect(causal.opinion).toMatch(/^Asya's opinion: This paper goes into detail/);
    expect(causal.opinion).toContain("Rohin's opinion: While the conclusion that more information hurts");
    expect(causal.text).toMatch(/^Causal Confusion in Imitation Learning, by Pim de Haan et al\., summarized by Asya\. This paper argues/);
    expect(causal.text).toContain("Asya's opinion: This paper goes into detail");
    expect(byTitle(issue, "What's the dream for giving natural language commands to AI?")).toMatchObject({
      authors: 'Charlie Steiner',
      summarizer: 'Rohin',
    });
    const procgen = byTitle(issue, 'Procgen Benchmark');
    expect(procgen).toMatchObject({ authors: 'Karl Cobbe et al', summarizer: 'Asya' });
    expect(procgen.links.map((l) => l.url)).toEqual(['https://openai.com/blog/procgen-benchmark/', 'http://arxiv.org/abs/1912.01588']);
    expect(issue.sections[0]!.text).toMatch(/Happy New Year!$/);
    expect(kinds(issue, 'summary').at(-1)!.title).toBe('Adaptive Online Planning for Continual Lifelong Learning');
  });

  it('#92 (HIGHLIGHTS style, escaped math)', () => {
    const issue = of('an-092.md');
    expect(kinds(issue, 'heading').map((s) => s.title)).toEqual([
      'Highlights',
      'Technical AI alignment',
      'Technical agendas and prioritization',
      'Robustness',
      'Other progress in AI',
      'Reinforcement learning',
      'Deep learning',
      'News',
    ]);
    expect(issue.sections[1]).toMatchObject({ kind: 'heading', title: 'Highlights', text: 'Highlights' });
    const cpc = issue.sections[2]!;
    expect(cpc).toMatchObject({
      kind: 'summary',
      title: 'Representation Learning with Contrastive Predictive Coding',
      authors: 'Aaron van den Oord et al',
      summarizer: 'Rohin',
    });
    expect(cpc.links[0]).toEqual({ text: 'Representation Learning with Contrastive Predictive Coding', url: 'https://arxiv.org/abs/1807.03748' });
    expect(cpc.text).toContain('incentivizes z t to have high mutual information with x t plus k.');
    expect(cpc.body).toContain('x_{t+k}');
    expect(cpc.opinion).toMatch(/^I like this paper: the intuition makes sense/);
    expect(cpc.text).toMatch(/Rohin's opinion: I like this paper/);
    const filan = byTitle(issue, 'An Analytic Perspective on AI Alignment');
    expect(filan).toMatchObject({ authors: 'Daniel Filan', summarizer: 'Asya' });
    expect(filan.text).toContain('transparency that gives mechanistic understandings of the systems');
    expect(filan.links.map((l) => l.text)).toEqual(['An Analytic Perspective on AI Alignment', 'mechanistic understandings', 'AN #15', 'this comment']);
    const careers = byTitle(issue, 'Careers at the Joint AI Center');
    expect(careers).toMatchObject({ kind: 'summary', summarizer: 'Rohin' });
    expect(careers.authors).toBeUndefined();
    expect(careers.text).toMatch(/^Careers at the Joint AI Center, summarized by Rohin\. The Joint AI Center is searching/);
    expect(issue.sections[0]!.text).toMatch(/^Newsletter number 92\. Alignment Newsletter is a weekly publication/);
    expect(issue.sections.map((s) => s.text).join(' ')).not.toMatch(/happy to hear feedback|audio podcast version/i);
  });

  it('#84 (review issue: one summary per bold topic)', () => {
    const issue = of('an-084.md');
    expect(kinds(issue, 'summary').map((s) => s.title)).toEqual(REVIEW_84_TOPICS);
    expect(kinds(issue, 'heading')).toEqual([]);
    const first = kinds(issue, 'summary')[0]!;
    expect(first.summarizer).toBeUndefined();
    expect(first.text).toMatch(/^Basic analysis of AI risk\. Traditional arguments for AI risk argue/);
    expect(first.text).toContain('Comprehensive AI Services (CAIS) challenges the assumption');
    expect(first.links[0]!.url).toBe('https://www.alignmentforum.org/s/4dHMdK5TLN6xcqtyc/p/NxF5G6CJiof6cemTw');
    expect(byTitle(issue, 'Forecasting').text).toContain("current methods can’t do property X (say, causal reasoning)");
    expect(issue.sections[0]!.text).toMatch(/^Find all Alignment Newsletter resources here\..*This is the summary of a review post/);
  });

  it('#102 (plain text: no links, no headings, trailing comment junk)', () => {
    const issue = of('an-102.txt');
    expect(kinds(issue, 'summary').map((s) => [s.title, s.authors, s.summarizer])).toEqual([
      ['Language Models are Few-Shot Learners', 'Tom B. Brown et al', 'Rohin'],
      ['An overview of 11 proposals for building safe advanced AI', 'Evan Hubinger', 'Rohin'],
      ['Planning with Uncertain Specifications', 'Ankit Shah et al', 'Rohin'],
      ['Suphx: Mastering Mahjong with Deep Reinforcement Learning', 'Junjie Li et al', 'Rohin'],
      ['Mastering Complex Control in MOBA Games with Deep Reinforcement Learning', 'Deheng Ye et al', 'Rohin'],
      ['More Efficient NLP Model Pre-training with ELECTRA', 'Kevin Clark et al', 'Flo'],
      ['DADS: Unsupervised Reinforcement Learning for Skill Discovery', 'Archit Sharma et al', 'Rohin'],
    ]);
    const gpt3 = kinds(issue, 'summary')[0]!;
    expect(gpt3.text).toMatch(/^Language Models are Few-Shot Learners, by Tom B\. Brown et al\., summarized by Rohin\. The biggest GPT-2 model had 1\.5 billion/);
    expect(gpt3.links).toEqual([]);
    const electra = byTitle(issue, 'More Efficient NLP Model Pre-training with ELECTRA');
    expect(electra.text).toContain("Flo's opinion: I found it a bit surprising");
    expect(electra.body).not.toContain('Read more');
    const last = issue.sections.at(-1)!;
    expect(last.text).toMatch(/distinct types of flailing\.$/);
    expect(issue.sections[0]!.text).toBe(
      'Alignment Newsletter is a weekly publication with recent content relevant to AI alignment around the world. Find all Alignment Newsletter resources here. In particular, you can look through this spreadsheet of all summaries that have ever been in the newsletter.',
    );
  });

  it('#85 (mail footer junk, multi-link titles, News heading)', () => {
    const issue = of('an-085.md');
    expect(issue.sections[0]!.text).toMatch(/^Find all Alignment Newsletter resources here\./);
    const cser = issue.sections.at(-1)!;
    expect(cser).toMatchObject({ kind: 'summary', title: 'Research Associate and Senior Research Associate at CSER', summarizer: 'Rohin' });
    expect(cser.text).toBe('Research Associate and Senior Research Associate at CSER, summarized by Rohin. Application deadline is Feb 16.');
    expect(cser.links.map((l) => l.url)).toEqual(['https://www.jobs.cam.ac.uk/job/24516/', 'https://www.jobs.cam.ac.uk/job/24517/']);
    expect(kinds(issue, 'heading').map((s) => s.title)).toContain('News');
    const gabriel = byTitle(issue, 'Artificial Intelligence, Values and Alignment');
    expect(gabriel).toMatchObject({ authors: 'Iason Gabriel', summarizer: 'Rohin' });
    expect(gabriel.text).not.toContain('See also');
    expect(gabriel.links.map((l) => l.text)).toContain('Import AI #183');
  });

  it('#94 and #98 (items listed without a summary are `other` sections)', () => {
    expect(kinds(of('an-094.md'), 'other').map((s) => [s.title, s.authors, s.text])).toEqual([
      ['Two Alternatives to Logical Counterfactuals', 'Jessica Taylor', 'Two Alternatives to Logical Counterfactuals, by Jessica Taylor.'],
    ]);
    expect(kinds(of('an-098.md'), 'other').map((s) => s.title)).toEqual([
      'How does iterated amplification exceed human abilities?',
      'FLI Podcast: On Superforecasting',
    ]);
    expect(kinds(of('an-098.md'), 'heading').map((s) => s.title)).toContain('Near-term concerns');
    const tam = byTitle(of('an-094.md'), 'State-only Imitation with Transition Dynamics Mismatch');
    // "Prerequisities:" and "Read more:" links are kept (the second Read-more link repeats a URL).
    expect(tam.links.map((l) => l.text).slice(-2)).toEqual(['Wasserstein GAN', 'Paper: Learning Robust Rewards With Adversarial']);
    expect(tam.text).not.toMatch(/Wasserstein GAN|Prerequisit/);
  });

  it('#80, #81 (no section headings) and #96, #100 (no audio line, preamble)', () => {
    expect(kinds(of('an-080.md'), 'heading')).toEqual([]);
    expect(kinds(of('an-081.md'), 'summary')[0]).toMatchObject({ title: 'Informed oversight (revisited)', authors: 'Paul Christiano', summarizer: 'Rohin' });
    expect(of('an-081.md').sections[0]!.text).toContain('Published a year ago, this sequence of five posts');
    expect(of('an-096.md').sections[1]).toMatchObject({ kind: 'heading', title: 'Highlights' });
    expect(of('an-100.md').sections[0]!.text).toMatch(/^Newsletter number 100\. Alignment Newsletter is/);
    expect(of('an-083.md').sections.find((s) => s.title === 'Previous newsletters')!.text).toBe(
      "Previous newsletters. In last week's email, two of Flo's opinions were somehow scrambled together. See below for what they were supposed to be.",
    );
  });

  it('keeps non-ASCII names and says Greek letters', () => {
    expect(byTitle(of('an-083.md'), '(When) is Truth-telling Favored in AI debate?').authors).toBe('Vojtěch Kovařík et al');
    const all = [...issues.values()].flatMap((i) => i.sections.map((s) => s.text)).join(' ');
    expect(all).toContain('the special symbol perpendicular instead');
    expect(all).not.toMatch(/[εγπβδ⟂]/);
    expect(all).toContain('gamma I(Y; Z)');
  });
});
