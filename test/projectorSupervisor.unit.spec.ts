import { describe, expect, it } from 'vitest';
import { ProjectorSupervisor, type SupervisedProjector } from '../consumers/projectorSupervisor.ts';
import { Sel104Error } from '../schemas/errors.ts';

/**
 * The server's Kafka projector under supervision. A real KafkaProjector fails only by a broker or
 * database going wrong; here stand-ins fail on cue, so that the supervisor's own rules are seen:
 * a failure is said once and reported, and a new projector replaces the stopped one.
 */
class StandIn implements SupervisedProjector {
  fail!: (err: unknown) => void;
  private finish!: () => void;
  stopped = false;
  readonly done = new Promise<void>((resolve, reject) => {
    this.fail = reject;
    this.finish = resolve;
  });
  constructor(
    readonly n: number,
    private readonly startError?: Error,
  ) {
    this.done.catch(() => undefined);
  }
  async start() {
    if (this.startError) throw this.startError;
  }
  async stop() {
    this.stopped = true;
    this.finish();
  }
  async positions() {
    return { available: true, logPosition: 10 * this.n, projectionPosition: 10 * this.n, lag: 0 };
  }
}

const waitFor = async (what: () => boolean) => {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(what()).toBe(true);
};

describe('the projector supervisor (serve --log kafka)', () => {
  it('a projector that stops on a failure is said, reported, and replaced; the new one resumes', async () => {
    const made: StandIn[] = [];
    const said: string[] = [];
    const s = new ProjectorSupervisor(() => { const p = new StandIn(made.length + 1); made.push(p); return p; }, (l) => said.push(l), 20);
    await s.start();
    expect(await s.health()).toEqual({ available: true, logPosition: 10, projectionPosition: 10, lag: 0 });
    // (before: /healthz said "ok" with the lag growing, and nothing on stderr)
    made[0]!.fail(new Error('The group coordinator is not available'));
    await waitFor(() => said.length === 1);
    expect(said[0]).toBe('sel104: the projector stopped: The group coordinator is not available; trying again every 0.02 s');
    expect((await s.health()).problem).toBe('the projector stopped: The group coordinator is not available');
    await waitFor(() => made.length === 2);
    expect(made[0]!.stopped).toBe(true);
    await waitFor(() => said.length === 2);
    expect(said[1]).toBe('sel104: projector running again');
    expect(await s.health()).toEqual({ available: true, logPosition: 20, projectionPosition: 20, lag: 0 });
    await s.stop();
    expect(made[1]!.stopped).toBe(true);
  });

  it('Kafka away at start: the server starts, says so, and tries again until a projector runs', async () => {
    let attempts = 0;
    const said: string[] = [];
    const away = () => new Sel104Error('SEL104_ERR_LOG_UNAVAILABLE', 'Kafka is unavailable at 127.0.0.1:9');
    const s = new ProjectorSupervisor(() => new StandIn(++attempts, attempts <= 2 ? away() : undefined), (l) => said.push(l), 10);
    await s.start();
    expect((await s.health()).problem).toBe('Kafka is unavailable at 127.0.0.1:9; serving what the projection holds');
    await waitFor(() => said.includes('sel104: projector running again'));
    expect(attempts).toBe(3);
    expect((await s.health()).problem).toBeUndefined();
    await s.stop();
  });

  it('a failure at start other than Kafka being away stops the server starting (a projection of another log, say)', async () => {
    const s = new ProjectorSupervisor(() => new StandIn(1, new Sel104Error('SEL104_ERR_LOG_MISMATCH', 'the projection belongs to another log')), () => undefined, 10);
    await expect(s.start()).rejects.toThrow('the projection belongs to another log');
  });

  it('a projector stopped on purpose is not replaced', async () => {
    const made: StandIn[] = [];
    const s = new ProjectorSupervisor(() => { const p = new StandIn(made.length + 1); made.push(p); return p; }, () => undefined, 10);
    await s.start();
    await s.stop();
    made[0]!.fail(new Error('late failure while closing'));
    await new Promise((r) => setTimeout(r, 50));
    expect(made).toHaveLength(1);
  });
});
