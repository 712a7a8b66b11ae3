/**
 * Starts the stand-in providers in this process, one gRPC server per provider address
 * on its own unix socket, and says how Terraform attaches to them: the
 * TF_REATTACH_PROVIDERS value (hashicorp/go-plugin ReattachConfig as Terraform reads
 * it: protocol "grpc", version 6, `Test: true` so that Terraform never stops them).
 * With it, `terraform init` installs nothing for these providers and needs no registry.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProviderSchema, SchemaBlock } from '../../support/provider-schema';
import { loadVendoredSchemas, VENDORED_SCHEMAS_DIR } from '../../support/schema-conformance';
import { CloudWorld } from './cloud-world';
import { REPLACE_RULES } from './replace-rules';
import { StandInProvider } from './stand-in-provider';

export interface StandIns {
  /** The value for TF_REATTACH_PROVIDERS. */
  readonly reattach: string;
  /** The cloud behind them, for changes between Terraform runs. */
  readonly world: CloudWorld;
  close(): Promise<void>;
}

const PROTO = path.join(__dirname, 'tfplugin6.proto');

let service: grpc.ServiceDefinition | undefined;
let schemas: Readonly<Record<string, ProviderSchema>> | undefined;

/** Every vendored provider with its own configuration block (provider-blocks.json where the schema file has none). */
export function standInSchemas(): Readonly<Record<string, ProviderSchema>> {
  if (!schemas) {
    const vendored = loadVendoredSchemas();
    const blocks = JSON.parse(fs.readFileSync(path.join(VENDORED_SCHEMAS_DIR, 'provider-blocks.json'), 'utf8')) as {
      provider_blocks: Record<string, { block: SchemaBlock }>;
    };
    schemas = Object.fromEntries(Object.entries(vendored).map(([address, schema]) => [
      address,
      { ...schema, provider: schema.provider ?? { version: 0, block: blocks.provider_blocks[address]?.block ?? {} } },
    ]));
  }
  return schemas;
}

function providerService(): grpc.ServiceDefinition {
  if (!service) {
    const definition = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, enums: Number, defaults: true, oneofs: true });
    const loaded = grpc.loadPackageDefinition(definition) as any;
    service = loaded.tfplugin6.Provider.service as grpc.ServiceDefinition;
    memoizeResponses(service, 'GetProviderSchema');
  }
  return service;
}

/** Starts one stand-in per vendored provider; close() stops them and removes their sockets. */
export async function startStandIns(world: CloudWorld = new CloudWorld()): Promise<StandIns> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-stand-in-'));
  const servers: grpc.Server[] = [];
  const reattach: Record<string, unknown> = {};
  const definition = providerService();
  for (const [address, schema] of Object.entries(standInSchemas())) {
    const provider = new StandInProvider(address, schema, REPLACE_RULES[address] ?? {}, world);
    const server = new grpc.Server();
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [name, handler] of Object.entries(provider.handlers())) {
      implementation[name] = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => callback(null, handler(call.request));
    }
    server.addService(definition, implementation);
    const socket = path.join(dir, `${address.split('/').pop()}.sock`);
    await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
    servers.push(server);
    reattach[address] = { Protocol: 'grpc', ProtocolVersion: 6, Pid: process.pid, Test: true, Addr: { Network: 'unix', String: socket } };
  }
  return {
    reattach: JSON.stringify(reattach),
    world,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.tryShutdown(() => resolve()))));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Serializes each distinct response object of `method` once: a provider answers GetProviderSchema
 * with the same object every time (StandInProvider.schemaResponse), and terraform asks for it in every
 * command (init, plan, show), for every provider; proto-loader's encoding of a whole schema is most
 * of what the stand-ins spend on a plan.
 */
function memoizeResponses(definition: grpc.ServiceDefinition, method: string): void {
  const rpc = (definition as unknown as Record<string, { responseSerialize: (value: unknown) => Buffer }>)[method];
  const serialize = rpc.responseSerialize;
  const encoded = new WeakMap<object, Buffer>();
  rpc.responseSerialize = (value: unknown) => {
    if (value === null || typeof value !== 'object') return serialize(value);
    let bytes = encoded.get(value);
    if (!bytes) {
      bytes = serialize(value);
      encoded.set(value, bytes);
    }
    return bytes;
  };
}
