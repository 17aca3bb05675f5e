// A small OpenID Connect client for a public client: authorization code + PKCE (S256), refresh
// before expiry, RP-initiated logout. Tokens live in sessionStorage (this tab only) and are sent
// only to this origin's API. The callback's ?code&state are removed from the address bar at once.

const STORE = 'dicomgate.portal.session';
const PENDING = 'dicomgate.portal.pending';

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(length = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(length)));
}

function decodeJwt(token) {
  const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const json = new TextDecoder().decode(Uint8Array.from(atob(payload), c => c.charCodeAt(0)));
  return JSON.parse(json);
}

export class OidcClient {
  constructor({ authority, clientId, redirectUri }) {
    this.authority = authority;
    this.clientId = clientId;
    this.redirectUri = redirectUri;
    this.session = JSON.parse(sessionStorage.getItem(STORE) || 'null');
    this.refreshTimer = null;
    this.onSessionEnded = () => {};
  }

  async metadata() {
    if (!this._metadata) {
      const r = await fetch(`${this.authority}/.well-known/openid-configuration`);
      if (!r.ok) throw new Error('The sign-in service is not reachable.');
      this._metadata = await r.json();
    }
    return this._metadata;
  }

  /** Sends the browser to the identity provider's login page. */
  async login() {
    const meta = await this.metadata();
    const verifier = randomString(48);
    const state = randomString(16);
    const nonce = randomString(16);
    const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce }));
    const url = new URL(meta.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: 'openid',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    window.location.assign(url.toString());
  }

  /** Completes a login if this page load is the callback; returns whether a session exists. */
  async init() {
    const params = new URLSearchParams(window.location.search);
    if (params.has('code') || params.has('error')) {
      window.history.replaceState(null, '', window.location.pathname);
      const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
      sessionStorage.removeItem(PENDING);
      if (params.has('error')) throw new Error('Sign-in was not completed.');
      if (!pending || params.get('state') !== pending.state) throw new Error('Sign-in response did not match this browser tab.');
      const tokens = await this.tokenRequest({
        grant_type: 'authorization_code',
        code: params.get('code'),
        redirect_uri: this.redirectUri,
        code_verifier: pending.verifier,
      });
      if (decodeJwt(tokens.id_token).nonce !== pending.nonce) throw new Error('Sign-in response did not match this browser tab.');
      this.store(tokens);
    }
    if (this.session && this.session.refreshExpiresAt && Date.now() > this.session.refreshExpiresAt) {
      this.clear();
    }
    if (this.session) {
      if (Date.now() > this.session.expiresAt - 30000) {
        await this.refresh().catch(() => this.clear());
      } else {
        this.scheduleRefresh();
      }
    }
    return this.session !== null;
  }

  async tokenRequest(form) {
    const meta = await this.metadata();
    const r = await fetch(meta.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: this.clientId, ...form }),
    });
    if (!r.ok) throw new Error('The sign-in service refused the request.');
    return r.json();
  }

  store(tokens) {
    const now = Date.now();
    this.session = {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token || this.session?.refreshToken,
      idToken: tokens.id_token || this.session?.idToken,
      expiresAt: now + tokens.expires_in * 1000,
      refreshExpiresAt: tokens.refresh_expires_in ? now + tokens.refresh_expires_in * 1000 : null,
    };
    sessionStorage.setItem(STORE, JSON.stringify(this.session));
    this.scheduleRefresh();
  }

  scheduleRefresh() {
    clearTimeout(this.refreshTimer);
    const due = Math.max(5000, this.session.expiresAt - Date.now() - 60000);
    this.refreshTimer = setTimeout(() => this.refresh().catch(() => { this.clear(); this.onSessionEnded(); }), due);
  }

  async refresh() {
    if (!this.session?.refreshToken) throw new Error('no refresh token');
    this.store(await this.tokenRequest({ grant_type: 'refresh_token', refresh_token: this.session.refreshToken }));
  }

  clear() {
    clearTimeout(this.refreshTimer);
    this.session = null;
    sessionStorage.removeItem(STORE);
  }

  claims() {
    return this.session ? decodeJwt(this.session.idToken || this.session.accessToken) : null;
  }

  /** fetch() against this origin with the bearer token; a 401 ends the session. */
  async api(path, init = {}) {
    if (this.session && Date.now() > this.session.expiresAt - 10000) {
      await this.refresh().catch(() => this.clear());
    }
    if (!this.session) {
      this.onSessionEnded();
      throw new Error('Your session has ended.');
    }
    const headers = new Headers(init.headers || {});
    headers.set('Authorization', `Bearer ${this.session.accessToken}`);
    const r = await fetch(path, { ...init, headers });
    if (r.status === 401) {
      this.clear();
      this.onSessionEnded();
      throw new Error('Your session has ended.');
    }
    return r;
  }

  /** Ends the session here and at the identity provider, then returns to postLogoutUri. */
  async logout(postLogoutUri) {
    const meta = await this.metadata();
    const idToken = this.session?.idToken;
    this.clear();
    const url = new URL(meta.end_session_endpoint);
    url.search = new URLSearchParams({
      client_id: this.clientId,
      post_logout_redirect_uri: postLogoutUri,
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).toString();
    window.location.assign(url.toString());
  }
}
