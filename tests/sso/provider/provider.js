// A real OpenID Connect provider on loopback for the SSO tests: panva's oidc-provider (an
// OpenID-certified implementation) with its development login and consent pages. Accounts
// and their claims come from the ACCOUNTS environment variable (JSON: {login: claims}); any
// password is accepted at its login page, as its development interactions do.
import Provider from 'oidc-provider';

// CLOCK_OFFSET_SECONDS runs the provider's clock that far from the real one (negative: in the
// past), so its ID tokens carry a sign-in time (auth_time) that long ago: a provider answering
// from an old session, for the tests that a stale sign-in cannot confirm a signature.
const offset = Number(process.env.CLOCK_OFFSET_SECONDS || 0) * 1000;
if (offset) {
  const realNow = Date.now;
  Date.now = () => realNow() + offset;
}

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: process.env.REDIRECT_URIS.split(' '),
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'department', 'employee_id', 'groups'],
  },
  // The ID token carries the claims itself, as Entra ID and Okta can be set to do.
  conformIdTokenClaims: false,
  cookies: { keys: ['social-rounds-test-cookie-key'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
