import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LabProfile } from '../../clusters/lab/types.ts';
import { labProfiles } from '../../clusters/profiles/lab/index.ts';
import { tracedLoss } from '../../helpers/hop-trace/locate.ts';
import { failureName } from '../../helpers/hop-trace/trace.ts';
import { judgeRecording, recording, recordings as fixtures, type Recording } from '../../helpers/hop-trace/recordings.ts';
import type { TracedLoss } from '../../helpers/hop-trace/types.ts';
import { findChromium } from '../site-check.ts';
import { labTopology } from './from-profile.ts';
import { LOSS_COLOR, topologySvg } from './render.ts';

const profileOf = (name: string) => labProfiles.find((p) => p.name === name)! as LabProfile;

/** A recording of helpers/hop-trace (locate.test.ts judges them; here they are drawn), handed on as a check hands it (suites/locate-failures.ts). */
function traced(name: string): { f: Recording; loss: TracedLoss } {
  const f = recording(name);
  return { f, loss: tracedLoss(failureName(f), judgeRecording(f)) };
}

/** Graphviz writes "-" as &#45; in SVG text, titles and ids, and a leading space as &#160;. */
const decode = (s: string) => s.replace(/&#45;/g, '-').replace(/&#160;/g, ' ').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
/** Each element group Graphviz drew: its id, class and title (`node-b`, `node-b--pod-b1`), and its text. */
function groups(svg: string): Array<{ id: string; cls: string; title: string; text: string }> {
  return [...svg.matchAll(/<g id="([^"]+)" class="([^"]+)">\s*<title>([^<]*)<\/title>([\s\S]*?)<\/g>/g)]
    .map((m) => ({ id: decode(m[1]!), cls: m[2]!, title: decode(m[3]!), text: texts(m[4]!) }));
}
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decode(m[1]!)).join(' ').replace(/\s+/g, ' ');
const marked = (svg: string) => groups(svg).filter((g) => g.cls.split(' ').includes('loss'));

describe('the topology picture of a test whose traced probe failed', () => {
  it('a host veth MTU below the packet (calico-lab): node-b outlined with the veth named, the veth to pod-b1 red, the caption the check message', async () => {
    const { f, loss } = traced('calico-lab/host-veth-mtu');
    const svg = await topologySvg(labTopology(profileOf(f.profile)), [loss]);
    expect(marked(svg).map((g) => [g.id, g.cls, g.title])).toEqual([
      ['loss-1-box', 'node loss', 'node-b'],
      ['loss-1-wire-node-b-pod-b1', 'edge loss', 'node-b--pod-b1'],
    ]);
    expect(marked(svg)[0]!.text).toMatch(/^node-b ✖ cali86a12876b92 on node-b seen on eth0 on node-b, not on cali86a12876b92 on node-b$/);
    expect(marked(svg)[1]!.text).toBe('✖');
    expect(texts(svg)).toContain(`✖ ${loss.what}: ${loss.text}`);
    expect(`${loss.what}: ${loss.text}`).toMatch(/^pod-a1 -> pod-b1 full-size ICMP with DF: lost between eth0 on node-b and cali\S+ on node-b: .*has MTU 1300$/);
    expect(texts(svg)).toContain('legend: red ✖, red outline, red wire: where the trace lost the packets');
    expect(svg).toContain(`stroke="${LOSS_COLOR}" stroke-width="4"`);
  });

  it('TCP dropped in FORWARD (calico-vxlan): the routing box of node-b names its FORWARD chain, no wire is marked', async () => {
    const { f, loss } = traced('calico-vxlan/drop-tcp');
    const svg = await topologySvg(labTopology(profileOf(f.profile)), [loss]);
    expect(marked(svg).map((g) => [g.id, g.title, g.text])).toEqual([
      ['loss-1-box', 'node-b', "node-b ✖ node-b's FORWARD chain seen on vxlan.calico on node-b, not on cali86a12876b92 on node-b"],
    ]);
    expect(texts(svg)).toContain(`✖ pod-a1 -> pod-b1 TCP: ${loss.text}`);
  });

  // Every recording the tracer located: the box marked is the hop's node (a pod's eth0: the pod), and the caption says it.
  for (const f of fixtures) {
    const { loss } = traced(`${f.profile}/${f.fault}`);
    if (!loss.at) continue;
    it(`${f.profile} ${f.fault}: marked on ${loss.at.kind === 'pod-eth0' ? loss.at.pod : loss.at.node}`, async () => {
      const svg = await topologySvg(labTopology(profileOf(f.profile)), [loss]);
      const box = marked(svg).filter((g) => g.cls.startsWith('node '));
      expect(box.map((g) => g.title)).toEqual([loss.at!.kind === 'pod-eth0' ? loss.at!.pod : loss.at!.node]);
      expect(texts(svg)).toContain(`✖ ${loss.what}: ${loss.text}`);
    });
  }

  it('lost on the wire between two nodes: the link between them (a direct link, or both ends of a switch segment)', async () => {
    const loss: TracedLoss = {
      what: 'pod-a1 -> pod-b1 ICMP', at: { node: 'node-b', kind: 'underlay', device: 'eth0' },
      lastSeenAt: { node: 'node-a', kind: 'underlay', device: 'eth0' }, firstMissingAt: { node: 'node-b', kind: 'underlay', device: 'eth0' },
      text: 'lost between eth0 on node-a and eth0 on node-b: 10 seen on eth0 on node-a, 0 on eth0 on node-b',
    };
    const direct = await topologySvg(labTopology(profileOf('calico-vxlan')), [loss]);
    expect(marked(direct).map((g) => g.title)).toEqual(['node-b', 'node-a--node-b']);
    const segment = await topologySvg(labTopology(profileOf('calico-bgp-mesh')), [loss]);
    expect(marked(segment).map((g) => g.title).sort()).toEqual(['node-a--segment underlay', 'node-b', 'node-b--segment underlay']);
  });

  it('several traced failures: numbered marks, two on one box named together in it', async () => {
    const [a, b] = [traced('calico-vxlan/drop-tcp').loss, traced('calico-vxlan/proxy-arp-off').loss];
    const svg = await topologySvg(labTopology(profileOf('calico-vxlan')), [a, b]);
    expect(marked(svg).map((g) => [g.id, g.title])).toEqual([['loss-1-box', 'node-b'], ['loss-2-wire-node-b-pod-b1', 'node-b--pod-b1']]);
    expect(marked(svg)[0]!.text).toMatch(/✖1 node-b's FORWARD chain .*✖2 cali86a12876b92 on node-b not seen on eth0 of pod-b1$/);
    expect(texts(svg)).toContain(`✖1 ${a.what}: ${a.text}`);
    expect(texts(svg)).toContain(`✖2 ${b.what}: ${b.text}`);
  });
});

describe('no mark where the trace named no hop', () => {
  it('a passing test: the picture as before', async () => {
    const t = labTopology(profileOf('calico-vxlan'));
    const plain = await topologySvg(t);
    expect(await topologySvg(t, [])).toBe(plain);
    expect(plain).not.toMatch(/loss|✖|legend/);
    expect(plain).not.toContain(LOSS_COLOR);
  });

  it('a trace that did not reproduce the loss, or could not run: "not located" and the cause, no marker, no legend', async () => {
    const { loss } = traced('flannel-host-gw/ip-rule-prohibit');
    const unobservable: TracedLoss = { what: 'pod-a1 -> pod-b1 UDP', text: 'not located: the trace could not run: failed to trace on node-b: captures did not start (exit 4)' };
    const svg = await topologySvg(labTopology(profileOf('flannel-host-gw')), [loss, unobservable]);
    expect(marked(svg)).toEqual([]);
    expect(svg).not.toMatch(/✖|legend/);
    expect(texts(svg)).toContain('pod-b2 -> pod-b1 TCP: not located: every hop saw the traced packets: the trace did not reproduce the loss');
    expect(texts(svg)).toContain('pod-a1 -> pod-b1 UDP: not located: the trace could not run: failed to trace on node-b: captures did not start (exit 4)');
  });

  it("a hop on a node the picture does not show: the caption says so, nothing is guessed", async () => {
    const { loss } = traced('calico-vxlan/drop-tcp');
    const svg = await topologySvg(labTopology(profileOf('calico-vxlan')), [{ ...loss, at: { ...loss.at!, node: 'node-x' } }]);
    expect(marked(svg)).toEqual([]);
    expect(texts(svg)).toContain(`${loss.what}: ${loss.text} (not marked: node-x is not on this picture)`);
  });
});

const browser = findChromium();
/** The page's window, as far as this test asks of it (the project compiles without the DOM library). */
interface Styles { getComputedStyle(element: unknown): { stroke: string } }
describe.skipIf(!browser)(`the marked picture in a browser${browser ? '' : ': skipped, no Chromium here (apt-get install -y chromium, or set CHROMIUM_PATH)'}`, () => {
  it('draws the red box and wire inside the picture; the screenshot is written for a person to look at', async () => {
    const { f, loss } = traced('calico-lab/host-veth-mtu');
    const svg = await topologySvg(labTopology(profileOf(f.profile)), [loss]);
    const out = await mkdtemp(join(tmpdir(), 'cnc-topology-loss-'));
    const b = await chromium.launch({ executablePath: browser!, args: ['--no-sandbox'] });
    try {
      const page = await b.newPage({ viewport: { width: 1200, height: 800 } });
      // Inline in a page: a screenshot of the bare SVG document waits on it for ever in headless Chromium.
      await page.setContent(`<!doctype html><body style="margin:0;background:#fff">${svg.replace(/^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*/, '')}</body>`);
      const picture = (await page.locator('svg').boundingBox())!;
      for (const id of ['loss-1-box', 'loss-1-wire-node-b-pod-b1']) {
        const box = (await page.locator(`[id="${id}"]`).boundingBox())!;
        expect(box.width * box.height, id).toBeGreaterThan(100);
        expect(box.x >= picture.x && box.y >= picture.y && box.x + box.width <= picture.x + picture.width && box.y + box.height <= picture.y + picture.height, id).toBe(true);
        const stroke = await page.locator(`[id="${id}"] path`).first().evaluate((p) => (globalThis as unknown as Styles).getComputedStyle(p).stroke);
        expect(stroke, id).toBe('rgb(220, 38, 38)');
      }
      const png = join(out, 'topology-loss.png');
      await page.locator('svg').screenshot({ path: png });
      expect((await readFile(png)).subarray(1, 4).toString()).toBe('PNG');
      await writeFile(join(out, 'topology-loss.svg'), svg);
      process.stdout.write(`marked topology picture: ${png}\n`);
    } finally {
      await b.close();
    }
  }, 120_000);
});
