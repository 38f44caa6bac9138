/**
 * `podcast:person` roles and groups: the Podcast Taxonomy Project's list that the podcast
 * namespace refers to (matched case-insensitively; "cast"/"host" when absent).
 */
import type { FeedSettings } from './settings.js';

export const PERSON_TAXONOMY: Readonly<Record<string, readonly string[]>> = {
  'creative direction': [
    'director', 'assistant director', 'executive producer', 'senior producer', 'producer', 'associate producer',
    'development producer', 'creative director',
  ],
  cast: ['host', 'co-host', 'guest host', 'guest', 'voice actor', 'narrator', 'announcer', 'reporter'],
  writing: [
    'author', 'editorial director', 'co-writer', 'writer', 'songwriter', 'guest writer', 'story editor', 'managing editor',
    'script editor', 'script coordinator', 'researcher', 'editor', 'fact checker', 'translator', 'transcriber', 'logger',
  ],
  'audio production': [
    'studio coordinator', 'technical director', 'technical manager', 'audio engineer', 'remote recording engineer',
    'post production engineer',
  ],
  'audio post-production': ['audio editor', 'sound designer', 'foley artist', 'composer', 'theme music', 'music production', 'music contributor'],
  administration: ['production coordinator', 'booking coordinator', 'production assistant', 'content manager', 'marketing manager', 'sales representative', 'sales manager'],
  visuals: ['graphic designer', 'cover art designer'],
  community: ['social media manager'],
  misc: ['consultant', 'intern'],
  'video production': ['camera operator', 'lighting designer', 'camera grip', 'assistant camera'],
  'video post-production': ['editor', 'assistant editor'],
};

/** Why a role/group pair is not in the taxonomy, or undefined when it is. */
export function personProblem(role: string | undefined, group: string | undefined): string | undefined {
  const g = (group ?? 'cast').trim().toLowerCase();
  const r = (role ?? 'host').trim().toLowerCase();
  const roles = Object.hasOwn(PERSON_TAXONOMY, g) ? PERSON_TAXONOMY[g] : undefined;
  if (!roles) return `group "${group}" is not in the podcast taxonomy`;
  if (!roles.includes(r)) return `role "${role ?? 'host'}" is not in group "${g}" of the podcast taxonomy`;
  return undefined;
}

export interface FeedPerson {
  name: string;
  role: string;
  group: string;
  href?: string;
  img?: string;
}

/** The people every episode names: the narrator (cast/narrator) and the newsletter's author (writing/author). */
export function showPeople(config: FeedSettings): FeedPerson[] {
  const show = config.show;
  const out: FeedPerson[] = [];
  const add = (name: string | undefined, role: string, group: string) => {
    if (!name) return;
    const links = Object.hasOwn(show.people, name) ? show.people[name] : undefined;
    out.push({ name, role, group, ...(links?.href ? { href: links.href } : {}), ...(links?.img ? { img: links.img } : {}) });
  };
  add(show.narrator, 'narrator', 'cast');
  add(show.newsletterAuthor, 'author', 'writing');
  return out;
}
