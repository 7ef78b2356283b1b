// Institutional sign-in (OpenID Connect): the button on the sign-in screen, the one-time code
// that the API's callback puts in the URL's fragment (traded here for the session, so the
// session token is never in a URL), and the provider's own sign-out page after signing out.
import { addStrings, api, el, t } from "./core.js";

const END_SESSION_KEY = "livechat-console:end-session-url";
const REFUSED = {
  de:
    "Der Hochschul-Login hat die Anmeldung nicht bestätigt. Bitte versuchen Sie es noch " +
    "einmal oder wenden Sie sich an die Administration.",
  en: "Your institution's login did not confirm the sign-in. Please try again or contact the administrators.",
};
const STALE = {
  de: "Die Anmeldung war abgelaufen oder wurde schon verwendet. Bitte melden Sie sich noch einmal an.",
  en: "The sign-in had expired or was already used. Please sign in again.",
};

addStrings({
  de: {
    ssoSignIn: "Mit Hochschul-Login anmelden",
    ssoRedirecting: "Weiterleitung zum Hochschul-Login …",
    ssoOr: "oder mit Passwort",
    ssoPasswordForAdmins: "Anmeldung mit Passwort (Administration)",
    ssoProviderSignOut: "Auch beim Hochschul-Login abmelden",
    sso_state_invalid: STALE.de,
    sso_code_invalid: STALE.de,
    sso_code_refused: REFUSED.de,
    sso_id_token_invalid: REFUSED.de,
    sso_issuer_mismatch: REFUSED.de,
    sso_provider_unreachable: REFUSED.de,
    sso_cancelled: "Die Anmeldung wurde abgebrochen.",
    sso_email_missing: "Der Hochschul-Login hat keine bestätigte E-Mail-Adresse übermittelt.",
    sso_email_domain_not_allowed: "Mit dieser E-Mail-Adresse ist die Anmeldung hier nicht möglich.",
    password_login_disabled:
      "Die Anmeldung mit Passwort ist abgeschaltet. Bitte nutzen Sie den Hochschul-Login.",
  },
  en: {
    ssoSignIn: "Sign in with your institution",
    ssoRedirecting: "Taking you to your institution's login …",
    ssoOr: "or with a password",
    ssoPasswordForAdmins: "Sign in with a password (administrators)",
    ssoProviderSignOut: "Also sign out of your institution's login",
    sso_state_invalid: STALE.en,
    sso_code_invalid: STALE.en,
    sso_code_refused: REFUSED.en,
    sso_id_token_invalid: REFUSED.en,
    sso_issuer_mismatch: REFUSED.en,
    sso_provider_unreachable: REFUSED.en,
    sso_cancelled: "The sign-in was cancelled.",
    sso_email_missing: "Your institution's login sent no confirmed email address.",
    sso_email_domain_not_allowed: "This email address may not sign in here.",
    password_login_disabled:
      "Signing in with a password is switched off. Please use your institution's login.",
  },
});

/** What the callback left in the fragment ({code} or {error}), removed from the address bar. */
export function takeHandover() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const code = fragment.get("sso_code");
  const error = fragment.get("sso_error");
  if (!code && !error) return null;
  history.replaceState(null, "", location.pathname);
  return { code, error };
}

/** Trade the one-time code for the session: {token, agent}. */
export async function exchangeHandover(code) {
  const answer = await api("POST", "/auth/sso/exchange", { code });
  if (answer.end_session_url) localStorage.setItem(END_SESSION_KEY, answer.end_session_url);
  else localStorage.removeItem(END_SESSION_KEY);
  return answer;
}

/** The sign-in failure's text in the console's language (the API's message for other codes). */
export function ssoFailureText(code, fallback) {
  const text = code ? t(code) : "";
  return text && text !== code ? text : fallback || t("failed");
}

/** "Mit Hochschul-Login anmelden": off to the provider's sign-in page. */
export function ssoButton(error) {
  const button = el("button", {
    type: "button",
    class: "primary sso",
    id: "sso-sign-in",
    text: t("ssoSignIn"),
  });
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.textContent = t("ssoRedirecting");
    error.textContent = "";
    try {
      const { authorization_url: url } = await api("POST", "/auth/sso/start");
      location.assign(url);
    } catch (failure) {
      error.dataset.code = failure.code || "";
      error.textContent = ssoFailureText(failure.code, failure.message);
      button.disabled = false;
      button.textContent = t("ssoSignIn");
    }
  });
  return button;
}

/** After signing out: a link to the provider's sign-out page, once, where it has one. */
export function providerSignOutLink() {
  const url = localStorage.getItem(END_SESSION_KEY);
  localStorage.removeItem(END_SESSION_KEY);
  if (!url) return null;
  return el("p", {}, el("a", { href: url, id: "sso-sign-out", text: t("ssoProviderSignOut") }));
}
