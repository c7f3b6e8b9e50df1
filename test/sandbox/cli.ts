/**
 * `npm run sandbox` — starts the GHL sandbox on 127.0.0.1 and keeps it running until SIGINT/SIGTERM.
 *
 *   --port N              default 4010 (0 = random free port)
 *   --contacts N          default 2000
 *   --opportunities N     default 60
 *   --conversations N     default 20
 *   --seed N              default 1
 *   --rate-limit MAX/MS   e.g. 100/10000 (optionally MAX/MS/DAILY)
 *   --token T             default pit-sandbox-token
 *   --location L          default loc_sandbox_0001
 *   --latency-ms MS[±PCT] artificial delay per response, e.g. 400±20 (or 400/20): 400 ms ±20 %
 *                         (--latency is the same flag)
 *   --inbound-every S     every S seconds a lead writes in: an inbound SMS (Email when the contact
 *                         has no phone) to a random conversation, for demos of the inbox's alerts
 *                         (default 0 = off)
 */
import { Rng, SANDBOX_INBOUND_TEXTS, startSandbox, type Sandbox, type SandboxOptions } from './server';

export interface SandboxCliOptions extends SandboxOptions {
  inboundEverySeconds?: number;
}

function usage(message: string): never {
  process.stderr.write(`sandbox: ${message}\n`);
  process.stderr.write(
    'usage: npm run sandbox -- [--port N] [--contacts N] [--opportunities N] [--conversations N] [--seed N]\n' +
      '                          [--rate-limit MAX/INTERVAL_MS[/DAILY]] [--token T] [--location L] [--latency-ms MS[±PCT]]\n' +
      '                          [--inbound-every SECONDS]\n',
  );
  process.exit(2);
}

export function parseArgs(argv: string[]): SandboxCliOptions {
  const options: SandboxCliOptions = { port: 4010, contacts: 2000 };
  const int = (flag: string, value: string | undefined): number => {
    if (value === undefined || !/^\d+$/.test(value)) usage(`${flag} needs a non-negative integer`);
    return Number(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--port':
        options.port = int(flag, value());
        break;
      case '--contacts':
        options.contacts = int(flag, value());
        break;
      case '--opportunities':
        options.opportunities = int(flag, value());
        break;
      case '--conversations':
        options.conversations = int(flag, value());
        break;
      case '--seed':
        options.seed = int(flag, value());
        break;
      case '--inbound-every':
        options.inboundEverySeconds = int(flag, value());
        break;
      case '--latency':
      case '--latency-ms': {
        const m = /^(\d+)(?:(?:±|\/|:)(\d+(?:\.\d+)?)%?)?$/.exec(value() ?? '');
        if (!m) usage(`${flag} needs MS or MS±PCT, e.g. 400±20`);
        options.latencyMs = Number(m[1]);
        if (m[2] !== undefined) {
          const pct = Number(m[2]);
          if (pct > 100) usage(`${flag}: the jitter is a percentage of the latency, at most 100`);
          options.latencyJitter = pct / 100;
        }
        break;
      }
      case '--token': {
        const v = value();
        if (!v) usage('--token needs a value');
        options.token = v;
        break;
      }
      case '--location': {
        const v = value();
        if (!v) usage('--location needs a value');
        options.locationId = v;
        break;
      }
      case '--rate-limit': {
        const v = value();
        const m = v ? /^(\d+)\/(\d+)(?:\/(\d+))?$/.exec(v) : null;
        if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) usage('--rate-limit needs MAX/INTERVAL_MS, e.g. 100/10000');
        options.rateLimit = { max: Number(m[1]), intervalMs: Number(m[2]) };
        if (m[3]) options.rateLimit.dailyMax = Number(m[3]);
        break;
      }
      case '--help':
      case '-h':
        usage('help');
        break;
      default:
        usage(`unknown argument ${arg}`);
    }
  }
  return options;
}

/** A lead writes in: a plausible inbound message to a random conversation, on a channel its contact has. */
export function injectRandomInbound(sandbox: Sandbox, rng: Rng): ReturnType<Sandbox['injectInbound']> {
  const conversations = [...sandbox.store.conversations.values()];
  if (conversations.length === 0) throw new Error('the sandbox has no conversations to write into');
  const conversation = rng.pick(conversations);
  const contact = sandbox.store.contacts.get(conversation.contactId);
  const body = rng.pick(SANDBOX_INBOUND_TEXTS).replace('{street}', contact?.address1 ?? 'Main St');
  return contact?.phone || !contact?.email
    ? sandbox.injectInbound({ conversationId: conversation.id, type: 'SMS', body })
    : sandbox.injectInbound({ conversationId: conversation.id, type: 'Email', body, subject: 'Question about the listing' });
}

async function main(): Promise<void> {
  const { inboundEverySeconds = 0, ...options } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const sandbox = await startSandbox(options);
  const rl = options.rateLimit;
  process.stdout.write(
    [
      `GHL sandbox listening on ${sandbox.url}  (ready in ${Date.now() - started} ms)`,
      `  token:       ${sandbox.token}`,
      `  location id: ${sandbox.locationId}`,
      `  data:        ${sandbox.store.contacts.size} contacts, ${sandbox.store.opportunities.size} opportunities, ` +
        `${sandbox.store.conversations.size} conversations, ${sandbox.store.events.size} calendar events`,
      `  rate limit:  ${rl ? `${rl.max} per ${rl.intervalMs} ms${rl.dailyMax ? `, ${rl.dailyMax} per day` : ''}` : 'off'}`,
      `  latency:     ${options.latencyMs ?? 0} ms${options.latencyJitter ? ` ±${Math.round(options.latencyJitter * 100)} %` : ''}`,
      `  inbound:     ${inboundEverySeconds > 0 ? `a lead writes in every ${inboundEverySeconds} s` : 'off (--inbound-every S)'}`,
      sandbox.rentcast
        ? `  RentCast:    ${sandbox.url}/v1/avm/value (set ghl.arv.rentcastBaseUrl to ${sandbox.url}, key ${sandbox.rentcast.apiKey}, 20 requests/s)`
        : '  RentCast:    not mounted',
      '  Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const inboundRng = new Rng(((options.seed ?? 1) ^ 0x1b0d) >>> 0);
  const inbound =
    inboundEverySeconds > 0
      ? setInterval(() => {
          const { conversation } = injectRandomInbound(sandbox, inboundRng);
          process.stdout.write(`inbound: ${conversation.fullName} wrote in (${conversation.lastMessageType})\n`);
        }, inboundEverySeconds * 1000)
      : null;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (inbound) clearInterval(inbound);
    process.stdout.write(`\n${signal}: stopping (served ${sandbox.stats.requests} requests)\n`);
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
