/**
 * The checks every twin cluster must pass (cloud-twin.test.ts, single-cloud-twin.test.ts), run
 * on the cluster a test synthesizes: pod to pod and node to pod for every pair, full-size DF
 * packets on every path with no fragment on any network, pod DNS at each cloud's resolver with
 * the metadata service out of reach, and, with the API narrowed to a foreign range, every node
 * reaching every API seed it has while a host on the internet reaches none.
 *
 * Needs root (namespaces), /dev/net/tun, wireguard-go, wg, ip, ss, ping, python3 and nft: without
 * them the group is skipped with the reason printed, and fails on CI (test/support/requirements.ts).
 */
import { App } from "cdktf";
import { NodeRole } from "../../lib/core/node-role";
import { agentLabMissing } from "../mesh/agent-lab";
import { BUILD_LIMIT_MS, jestTimeout, PATH_LIMIT_MS } from "../mesh/lab-waits";
import { inParallel } from "../mesh/namespace-lab";
import { describeNeeding, missingBinaries } from "../support/requirements";
import { CloudTwin, DNS_ANSWER } from "./twin-lab";
import { TWIN_MODELS, twinFirewall } from "./twin-models";
import { synthTwinStack } from "./twin-stack";

/** An API range no node is in (TEST-NET-1). */
export const FOREIGN_RANGE = "192.0.2.0/24";

/** What a twin lacks on this machine: the agent lab's tools and root, and nft for its clouds and firewalls. */
const missing = [
  ...agentLabMissing(),
  ...missingBinaries(["nft"], "apt-get install nftables"),
];

const pairs = <T>(items: readonly T[]): [T, T][] =>
  items.flatMap((a) => items.filter((b) => b !== a).map((b): [T, T] => [a, b]));

/** The twin's checks for the cluster `build` synthesizes (its API narrowed to FOREIGN_RANGE). */
export function describeTwin(title: string, build: (app: App) => void): void {
  describeNeeding(title, missing, () => {
    let twin: CloudTwin;

    beforeAll(async () => {
      twin = await CloudTwin.create(
        synthTwinStack(build),
        TWIN_MODELS,
        twinFirewall
      );
      await twin.bringUp();
    }, jestTimeout(BUILD_LIMIT_MS, PATH_LIMIT_MS));

    afterAll(async () => {
      await twin?.cleanup();
    }, jestTimeout(BUILD_LIMIT_MS));

    test(
      "every pod reaches every other pod, and every node every other node’s pod",
      async () => {
        const checks = pairs(twin.nodes).flatMap(([a, b]) => [
          {
            what: `pod ${a.name} → pod ${b.name}`,
            ns: a.podNs,
            address: b.podAddress,
          },
          {
            what: `node ${a.name} → pod ${b.name}`,
            ns: a.ns,
            address: b.podAddress,
          },
        ]);
        expect(
          (await twin.unreachable(checks, PATH_LIMIT_MS))
            .map((check) => check.what)
            .sort()
        ).toEqual([]);
      },
      jestTimeout(PATH_LIMIT_MS * 2)
    );

    test(
      "full-size packets with DF set pass on every path, and no cloud network sees a fragment",
      async () => {
        const checks = pairs(twin.nodes).map(([a, b]) => {
          const size = twin.podMtu(a.name) - 28;
          return {
            what: `pod ${a.name} → pod ${b.name} at ${size + 28} bytes`,
            ns: a.podNs,
            address: b.podAddress,
            size,
          };
        });
        expect(
          (await twin.unreachable(checks, PATH_LIMIT_MS))
            .map((check) => check.what)
            .sort()
        ).toEqual([]);
        expect(Object.fromEntries(await twin.fragments())).toEqual(
          Object.fromEntries(twin.clouds.map((cloud) => [cloud, 0]))
        );
      },
      jestTimeout(PATH_LIMIT_MS * 2)
    );

    test(
      "every pod resolves names at its cloud’s resolver (udp and tcp), and cannot read the metadata service",
      async () => {
        const failed: string[] = [];
        await inParallel(twin.nodes, 4, async (node) => {
          const model = TWIN_MODELS[node.cloud];
          const resolver = model.resolvers[0];
          for (const tcp of [false, true]) {
            if (
              (await twin.resolveName(node.podNs, resolver, tcp)) !== DNS_ANSWER
            )
              failed.push(
                `${node.name}: no ${
                  tcp ? "tcp" : "udp"
                } answer from ${resolver}`
              );
          }
          if (await twin.connects(node.podNs, model.metadataAddress, 80, 1))
            failed.push(
              `${node.name}: a pod reached the metadata service at ${model.metadataAddress}:80`
            );
          if (!(await twin.connects(node.ns, model.metadataAddress, 80)))
            failed.push(
              `${node.name}: the node cannot reach its metadata service`
            );
        });
        expect(failed.sort()).toEqual([]);
      },
      jestTimeout(PATH_LIMIT_MS)
    );

    test(
      `with the API narrowed to ${FOREIGN_RANGE}, every node reaches every API seed it has, and a host on the internet reaches none`,
      async () => {
        const controlPlanes = twin.nodes.filter(
          (node) => node.role === NodeRole.CONTROL_PLANE
        );
        for (const node of controlPlanes) await twin.listen(node.name, 6443);
        const failed: string[] = [];
        await inParallel(twin.nodes, 4, async (node) => {
          const seeds = await twin.apiSeeds(node.name);
          if (seeds.length === 0) failed.push(`${node.name}: no seeds`);
          for (const seed of seeds)
            if (!(await twin.connects(node.ns, seed, 6443)))
              failed.push(`${node.name} → ${seed}:6443`);
        });
        await inParallel(controlPlanes, 4, async (node) => {
          if (await twin.connects(twin.internetNs, node.publicAddress, 6443, 1))
            failed.push(`the internet reached ${node.name}'s API`);
        });
        expect(failed.sort()).toEqual([]);
      },
      jestTimeout(PATH_LIMIT_MS)
    );
  });
}
