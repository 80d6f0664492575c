// A real OpenID Connect provider for the sign-in tests, on 127.0.0.1 only: node-oidc-provider
// (npm "oidc-provider") with its development login form, which accepts any password; the login
// name chooses the account. Started by tests/oidc_server.py; never used outside the tests.
//
//   node provider.mjs PORT REDIRECT_URI CLIENT_ID CLIENT_SECRET
import Provider from "oidc-provider";

const [port, redirectUri, clientId, clientSecret] = process.argv.slice(2);
const accounts = {
  board: { email: "styrelse@matkluster.se", name: "Bo Styrelse" },
  staff: { email: "anna@matkluster.se", name: "Anna Kansli" },
  admin: { email: "admin@matkluster.se", name: "Ada Admin" },
  outsider: { email: "eve@example.org", name: "Eve Utomstående" },
  // Addresses anyone could type into an account at a provider that does not check them.
  unverified: { email: "anna@matkluster.se", name: "Mallory", verified: false },
  shouting: { email: "ADMIN@MATKLUSTER.SE", name: "Mallory", verified: false },
};

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    response_types: ["code"],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: "client_secret_basic",
  }],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  scopes: ["openid", "email", "profile"],
  findAccount: async (ctx, id) => {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      claims: async () => ({ sub: id, email: account.email, email_verified: account.verified ?? true, name: account.name }),
    };
  },
  // Streamlit reads the identity from the ID token, so its claims (e-mail, name) go there too.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => false },
  cookies: { keys: ["malbild-test-only"] },
});
provider.proxy = false;
provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
