/**
 * `letterpod review [issue|recording] [--port 0] [--host 127.0.0.1] [--open]`: build what
 * is needed (as publish would, without publishing), then serve the review page on a local
 * address and print its URL. The URL carries a random per-run token: the page needs it to
 * save corrections or approve. Runs until Ctrl-C.
 */
import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { platform } from 'node:os';
import { relative, resolve } from 'node:path';
import { loadProject } from './project.js';
import { displayMode, progressDisplay } from './progress.js';
import { formatProblems } from './publish.js';
import { listen, parsePort, shutdown, untilStopped } from './serve.js';
import { issueNumberArg } from './approve.js';
import { info } from './output.js';
import { LetterpodError } from '../errors.js';
import { runProcess } from '../process/run.js';
import { publishAll } from '../publish/pipeline.js';
import { ReviewEpisodes } from '../review/episodes.js';
import { createReviewServer } from '../review/server.js';
import { openStore } from '../store/open.js';

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1)$/;

/** "102", "#102", "an-102" are issues; anything else must be a recording file. */
function target(arg: string | undefined): { issue?: number; recording?: string } {
  if (arg === undefined) return {};
  if (/^(#|an-?)?\d+$/i.test(arg) && !existsSync(arg)) return { issue: issueNumberArg(arg, 'review') };
  if (!existsSync(arg)) throw new LetterpodError({ file: arg, problem: 'no such recording (and not an issue number)', fix: 'Give an issue number (letterpod review 102) or a file in recordings/' });
  return { recording: resolve(arg) };
}

/** Open `url` in the desktop's browser, when there is a desktop; false when there is none. */
function openBrowser(url: string): boolean {
  const os = platform();
  const [tool, args] = os === 'darwin' ? ['open', [url]] : os === 'win32' ? ['explorer.exe', [url]] : ['xdg-open', [url]];
  if (os === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return false;
  runProcess(tool, args, { ignoreStdout: true, missing: { problem: `${tool} was not found`, fix: 'Open the address above in a browser' } }).catch((e: Error) => info(`could not open a browser (${e.message}): open the address above yourself`));
  return true;
}

export function registerReview(program: Command): void {
  program
    .command('review')
    .description('build what is needed and serve the review page: waveform, chapter marks, transcript and notes of each episode, with corrections and Approve')
    .argument('[issue|recording]', 'the episode to open (an issue number or a recording); default: the index of episodes')
    .option('--port <port>', 'TCP port (0: any free port)', '0')
    .option('--host <address>', 'address to listen on (another than loopback lets others on the network see the page)', '127.0.0.1')
    .option('--open', 'open the page in a browser (where there is one)')
    .option('-q, --quiet', 'no build progress')
    .action(async (arg: string | undefined, flags: { port: string; host: string; open?: boolean; quiet?: boolean }, cmd: Command) => {
      const config = await loadProject(cmd);
      const only = target(arg);
      const port = parsePort(flags.port);
      const cwd = process.cwd();
      const rel = (p: string) => {
        const r = relative(cwd, p);
        return r && !r.startsWith('..') ? r : p;
      };
      const display = progressDisplay(displayMode(flags), process.stderr, rel);
      let result;
      try {
        result = await publishAll(config, { buildOnly: true, only, onEvent: display.listener });
      } finally {
        display.close();
      }
      for (const line of formatProblems(result, cwd)) {
        // held is what review is for: those lines are the page's to show
        if (!line.startsWith('held:') && !line.startsWith('  warning')) process.stderr.write(`letterpod: ${line}\n`);
      }
      let episode = only.issue;
      if (only.recording) {
        const outcome = result.recordings.find((r) => resolve(r.recording) === only.recording);
        if (!outcome || outcome.issue === undefined) {
          throw new LetterpodError({ file: only.recording, problem: 'it is not a recording of this project (recordings/) or it could not be built', fix: 'Put it in recordings/ and check the messages above' });
        }
        episode = outcome.issue;
      }
      const store = openStore(config);
      const episodes = new ReviewEpisodes(config, store);
      if (episode !== undefined) await episodes.view(episode); // fails here, with its fix, when it has no build
      const token = randomBytes(18).toString('base64url');
      const loopbackOnly = LOOPBACK.test(flags.host);
      const server = createReviewServer({ episodes, token, loopbackOnly, onChange: (what) => console.log(what) });
      const stopped = untilStopped();
      const address = await listen(server, port, flags.host);
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
      const url = `http://${host}:${address.port}/${episode !== undefined ? `episodes/${episode}` : ''}?token=${token}`;
      const list = await episodes.list();
      for (const e of list) console.log(`#${e.number} ${e.state}${e.why && e.state === 'needs review' ? ` (${e.why})` : ''}: ${e.title}`);
      if (!loopbackOnly) info(`note: listening on ${flags.host}: anyone who can reach this machine can see the page (saving and approving need the token)`);
      console.log(`review: ${url}`);
      if (flags.open && !openBrowser(url)) info('no browser here (no display): open the address above where there is one');
      const signal = await stopped;
      info(`${signal}: stopping`);
      await shutdown(server);
    });
}
