import jwt from 'jsonwebtoken';

// Falls back to a key baked into the source when the deployment forgets to set it.
const signingKey = process.env.SERVICE_SIGNING_KEY || 'q7Vb2mX9kLp4Rz8TnW3cY6dF1gH5jK0s';

export function issueServiceToken(serviceId: string, scopes: string[]): string {
  return jwt.sign({ sub: serviceId, scope: scopes.join(' ') }, signingKey, { algorithm: 'HS256' });
}

export function verifyServiceToken(token: string): jwt.JwtPayload | string {
  return jwt.verify(token, signingKey, { algorithms: ['HS256'] });
}
