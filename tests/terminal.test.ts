// `godelctl exec -it` and `godelctl attach` in a real terminal: tmux runs godelctl, send-keys types,
// capture-pane reads the screen.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GODELCTL, poolConfig, startDaemon, waitFor } from './helpers/daemon.js';

t.test('godelctl exec -it in tmux', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  const { id } = await d.client.createSandbox({});
  const server = `godel-test-${process.pid}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
  t.teardown(() => {
    try {
      tmux('kill-server');
    } catch {
      return; // Already gone with its last window.
    }
  });
  const exitFile = join(d.dir, 'exit-code');
  const run = (name: string, args: string): void => {
    // The pane runs godelctl, then records its exit code and stays open for capture.
    const script = `GODEL_SOCKET=${d.socket} ${process.execPath} ${GODELCTL} ${args}; echo $? > ${exitFile}.${name}; sleep 60`;
    tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', script);
  };
  const screen = (name: string): string => tmux('capture-pane', '-p', '-t', name);
  const waitScreen = (name: string, re: RegExp): Promise<string> =>
    waitFor(`${re} on the screen`, () => (re.test(screen(name)) ? screen(name) : undefined), 10_000);
  const exitCode = (name: string): Promise<number> =>
    waitFor('godelctl to exit', () => {
      try {
        return Number(readFileSync(`${exitFile}.${name}`, 'utf8').trim());
      } catch {
        return undefined; // Not written yet.
      }
    }, 10_000);

  run('a', `exec -it --tag main ${id} -- /bin/sh`);
  await waitScreen('a', /^\$\s*$/m);

  t.test('a command and its output', async (t) => {
    tmux('send-keys', '-t', 'a', 'echo out-$((6*7))', 'Enter');
    await waitScreen('a', /^out-42$/m);
    t.pass('output shows on the terminal');
  });

  t.test('resize reaches the remote terminal', async (t) => {
    tmux('send-keys', '-t', 'a', 'stty size', 'Enter');
    await waitScreen('a', /^30 100$/m);
    tmux('resize-window', '-t', 'a', '-x', '120', '-y', '40');
    await new Promise((r) => setTimeout(r, 300));
    tmux('send-keys', '-t', 'a', 'stty size', 'Enter');
    await waitScreen('a', /^40 120$/m);
    t.pass('stty size follows the window');
  });

  t.test('Ctrl-C interrupts the remote command, not godelctl', async (t) => {
    tmux('send-keys', '-t', 'a', 'sleep 30', 'Enter');
    await new Promise((r) => setTimeout(r, 500));
    tmux('send-keys', '-t', 'a', 'C-c');
    tmux('send-keys', '-t', 'a', 'echo alive-after-ctrl-c', 'Enter');
    await waitScreen('a', /^alive-after-ctrl-c$/m);
    t.pass('the shell is still there');
  });

  t.test('detach with Ctrl-P Ctrl-Q, then attach again', async (t) => {
    tmux('send-keys', '-t', 'a', 'echo before-detach', 'Enter');
    await waitScreen('a', /^before-detach$/m);
    tmux('send-keys', '-t', 'a', 'C-p', 'C-q');
    await waitScreen('a', /Detached from session ss-/);
    t.equal(await exitCode('a'), 0, 'godelctl exits 0 on detach');
    const sessions = await d.client.listSessions(id);
    t.equal(sessions.find((s) => s.tag === 'main')?.running, true, 'the session keeps running');

    run('b', `attach ${id} main`);
    await waitScreen('b', /^before-detach$/m);
    t.pass('attach replays recent output');
    tmux('send-keys', '-t', 'b', 'echo attached-again', 'Enter');
    await waitScreen('b', /^attached-again$/m);
  });

  t.test('the remote exit code is godelctl\'s own, and the terminal is restored', async (t) => {
    tmux('send-keys', '-t', 'b', 'exit 7', 'Enter');
    t.equal(await exitCode('b'), 7);
    // After godelctl exits, the terminal must be back in cooked mode: check it with stty in the same pane.
    const stty = join(d.dir, 'stty');
    tmux('new-session', '-d', '-s', 'd', '-x', '80', '-y', '24',
      `GODEL_SOCKET=${d.socket} ${process.execPath} ${GODELCTL} exec -it ${id} -- true; stty -a > ${stty}; sleep 60`);
    const mode = await waitFor('stty output', () => {
      try {
        const text = readFileSync(stty, 'utf8');
        return text.length ? text : undefined;
      } catch {
        return undefined; // Not written yet.
      }
    });
    t.match(mode, /(^|\s)icanon(\s|$)/, 'canonical mode is back');
    t.match(mode, /(^|\s)echo(\s|$)/, 'echo is back');
  });

  t.test('-i without a terminal streams stdin and closes it at EOF', async (t) => {
    const input = join(d.dir, 'input');
    writeFileSync(input, 'one\ntwo\n');
    const out = execFileSync('sh', ['-c', `${process.execPath} ${GODELCTL} exec -i ${id} -- sort -r < ${input}`], {
      encoding: 'utf8', env: { ...process.env, GODEL_SOCKET: d.socket },
    });
    t.equal(out, 'two\none\n');
  });
});
