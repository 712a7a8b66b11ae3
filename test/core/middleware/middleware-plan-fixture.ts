/** The middleware plan input the in-cluster renderers are tested with (render-middleware, the schema check of every manifest). */
import type { MiddlewarePlanInput } from '../../../lib/core/middleware/middleware-plan';

export const MIDDLEWARE_INPUT: MiddlewarePlanInput = {
  host: 'ops.example.com',
  issuerUrl: 'https://login.example.com/realms/ops',
  clientId: 'cast-ops',
  allowedEmails: ['ann@example.com', 'bob@example.com'],
  allowedGroups: ['platform'],
  ingressInstallsPrometheus: true,
};
