import { MeshNodePlan, MeshPlan } from './mesh-plan';

/** The plan of node `nodeName`; throws naming the fix when the plan has no such node. */
export function findNodePlan(plan: MeshPlan, nodeName: string): MeshNodePlan {
  const node = plan.nodes.find((candidate) => candidate.name === nodeName);
  if (!node) {
    throw new Error(`nodeName must be a node of the plan (got "${nodeName}"). Render only nodes that were passed to planMesh.`);
  }
  return node;
}
