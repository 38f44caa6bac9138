/**
 * Which project a command works on. A project is a folder with letterpod.config.json (made
 * by `letterpod init`), or — without a config file, with the example show — a folder
 * with both recordings/ and newsletters/. Commands that read or write a project (publish,
 * status, watch, approve, serve, check without a feed) refuse to run anywhere else, saying
 * where the nearest project is when run from inside one of its folders (recordings/,
 * feed/, …). `build` and `align`, which are given their recording, run anywhere.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { defaultConfigFile, loadConfig, type LoadedConfig } from '../config/config.js';
import { UsageError } from '../errors.js';

/** Whether `dir` is a project: a config file, or the folders of one. */
function isProject(dir: string): boolean {
  return existsSync(join(dir, defaultConfigFile)) || (existsSync(join(dir, 'recordings')) && existsSync(join(dir, 'newsletters')));
}

/** The nearest folder above `cwd` that is a project, if any. */
function projectAbove(cwd: string): string | undefined {
  let dir = dirname(resolve(cwd));
  for (;;) {
    if (isProject(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The refusal for a command run outside a project, with the way out. */
export function notAProject(command: string, cwd = process.cwd()): UsageError {
  const above = projectAbove(cwd);
  const hint = above
    ? `this folder is inside the project ${above}: run it from there (cd ${relative(cwd, above) || '.'})`
    : `run \`letterpod init\` to make this folder a project, cd into one, or name its config with --config <file>`;
  return new UsageError(`no ${defaultConfigFile} in ${resolve(cwd)}: \`letterpod ${command}\` works on a project; ${hint}`);
}

/** The project's config: --config, else ./letterpod.config.json; refuses outside a project. */
export async function loadProject(cmd: Command, cwd = process.cwd()): Promise<LoadedConfig> {
  const file = cmd.optsWithGlobals().config as string | undefined;
  if (!file && !isProject(cwd)) throw notAProject(cmd.name(), cwd);
  return loadConfig(file, cwd);
}

/** The config for a command that runs anywhere (the example show outside a project). */
export async function loadConfigOrExample(cmd: Command, cwd = process.cwd()): Promise<LoadedConfig> {
  return loadConfig(cmd.optsWithGlobals().config as string | undefined, cwd);
}
