// A real OpenID Connect provider (npm's certified `oidc-provider`) for the test suite and for
// `make run`: one confidential client, a few users, PKCE required, RP-initiated logout.
//
//   node devserver/oidc_provider.mjs '<config as JSON>'
//
// config: {port, host, clients: [{client_id, client_secret, redirect_uris,
//          post_logout_redirect_uris}], accounts: [{sub, email, name, email_verified?, tamper?}]}
// Prints "OIDC_PROVIDER_READY {issuer}" once it listens; stops on SIGTERM.
//
// Sign-in uses the provider's development pages (any password). An account's `email_verified` is
// the claim it gets: true when not given, false, or null for none at all (as Entra ID sends).
// An account's `tamper` makes the provider misbehave for that user, so that the tests see the
// relying party refuse what a broken or hostile provider could send: its ID token is signed
// again with the provider's own key after
// {"claims": {...}} replaced claims (a wrong `aud` or `iss`) or {"expired": true} moved `exp` and
// `iat` two hours back.
import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const READY = 'OIDC_PROVIDER_READY ';
const config = JSON.parse(process.argv[2]);
const host = config.host || '127.0.0.1';
const accounts = new Map(config.accounts.map((account) => [account.sub, account]));

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

async function findAccount(_ctx, sub) {
  const account = accounts.get(sub);
  if (!account) return undefined;
  return {
    accountId: sub,
    async claims() {
      const verified = account.email_verified === undefined ? true : account.email_verified;
      return {
        sub,
        email: account.email,
        ...(verified === null ? {} : { email_verified: verified }),
        name: account.name,
      };
    },
  };
}

// First-party client: the user is not asked to consent to the scopes.
async function loadExistingGrant(ctx) {
  const { client, session, result } = ctx.oidc;
  const grantId = result?.consent?.grantId || session.grantIdFor(client.clientId);
  if (grantId) return ctx.oidc.provider.Grant.find(grantId);
  const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope('openid email profile');
  await grant.save();
  return grant;
}

// The issuer names the port, so listen first (port 0: any free one), then make the provider.
let handle = (_req, res) => res.writeHead(503).end();
const server = createServer((req, res) => handle(req, res));
await new Promise((resolve) => server.listen(config.port || 0, host, resolve));
const issuer = `http://${host}:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  findAccount,
  loadExistingGrant,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Put email and name into the ID token, as Keycloak, Entra ID and Shibboleth can.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  jwks: { keys: [signingKey] },
  cookies: { keys: ['test-provider-cookie-key'] },
});

async function tampered(idToken) {
  const claims = decodeJwt(idToken);
  const tamper = accounts.get(claims.sub)?.tamper;
  if (!tamper) return idToken;
  const changed = { ...claims, ...(tamper.claims || {}) };
  if (tamper.expired) {
    changed.iat = claims.iat - 7200;
    changed.exp = claims.iat - 3600;
  }
  return new SignJWT(changed)
    .setProtectedHeader({ alg: 'RS256', kid: signingKey.kid })
    .sign(privateKey);
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token) };
  }
});

handle = provider.callback();
process.on('SIGTERM', () => server.close(() => process.exit(0)));
console.log(READY + JSON.stringify({ issuer }));
