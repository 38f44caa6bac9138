/** `letterpod init [folder]`: make a folder a project (config with a show, recordings/, newsletters/). */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { defaultConfigFile, exampleConfig, parseConfig } from '../config/config.js';
import { UsageError } from '../errors.js';

interface InitFlags {
  title?: string;
  author?: string;
  email?: string;
  link?: string;
  force?: boolean;
}

/** The config `init` writes: the example show with what was given, validated like any config. */
export function initialConfig(folder: string, flags: InitFlags): Record<string, unknown> {
  const show = { ...exampleConfig.show };
  const name = basename(resolve(folder));
  show.title = flags.title ?? (name && name !== '.' ? `${name} podcast` : show.title);
  if (flags.author) show.author = flags.author;
  show.owner = { name: flags.author ?? show.owner.name, email: flags.email ?? show.owner.email };
  if (flags.link) show.link = flags.link;
  const config = {
    show,
    paths: { recordings: 'recordings', newsletters: 'newsletters', build: '.letterpod/build' },
    store: { type: 'local', path: 'feed', publicBaseUrl: 'http://localhost:8080/' },
  };
  // the same validation as loading it: a bad --email or --link fails here, not at the first publish
  parseConfig(config, `${defaultConfigFile} (from letterpod init)`, resolve(folder));
  return config;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('make a folder a letterpod project: letterpod.config.json with a show, recordings/ and newsletters/')
    .argument('[folder]', 'the project folder (made when missing)', '.')
    .option('--title <title>', 'the show title (default: "<folder> podcast")')
    .option('--author <name>', 'the show author and owner')
    .option('--email <address>', "the owner's e-mail (podcast directories show it to the owner only)")
    .option('--link <url>', "the show's web page")
    .option('--force', 'replace an existing letterpod.config.json')
    .action(async (folder: string, flags: InitFlags) => {
      const dir = resolve(folder);
      const file = join(dir, defaultConfigFile);
      if (existsSync(file) && !flags.force) {
        throw new UsageError(`${file} already exists: this folder is a project (use --force to start its config over)`);
      }
      const config = initialConfig(dir, flags);
      await mkdir(dir, { recursive: true });
      for (const sub of ['recordings', 'newsletters']) await mkdir(join(dir, sub), { recursive: true });
      await writeFile(file, JSON.stringify(config, null, 2) + '\n');
      const here = dir === process.cwd() ? '' : `cd ${folder} && `;
      console.log(`created ${file}`);
      console.log(`created ${join(dir, 'recordings')}/ (the narrator's recordings: an-102.wav, …)`);
      console.log(`created ${join(dir, 'newsletters')}/ (the issue texts: an-102.md or an-102.txt)`);
      console.log('next: edit the "show" in letterpod.config.json (title, author, owner, link, category, cover image),');
      console.log(`      put an issue text and its recording in place, then: ${here}letterpod publish`);
    });
}
