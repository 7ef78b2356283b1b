// Institutional sign-in (OpenID Connect): the button on the sign-in screen, the one-time code
// that the API's callback puts in the URL's fragment (traded here for the session, so the
// session token is never in a URL), the provider's own sign-out page after signing out, and
// under Mein Konto the identities linked to one's account (an admin confirms links there).
//
// The sign-in is bound to this tab: a random value kept in its session storage goes with the
// start and must come with the exchange, so a code slipped into another browser is worthless.
import {
  addStrings,
  api,
  el,
  formatDateTime,
  replace,
  session,
  showError,
  t,
  toast,
} from "./core.js";

const END_SESSION_KEY = "livechat-console:end-session-url";
const BINDING_KEY = "livechat-console:sso-binding";
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
    sso_email_missing: "Der Hochschul-Login hat keine E-Mail-Adresse übermittelt.",
    sso_email_domain_not_allowed: "Mit dieser E-Mail-Adresse ist die Anmeldung hier nicht möglich.",
    sso_email_unverified:
      "Der Hochschul-Login bestätigt Ihre E-Mail-Adresse nicht, deshalb wird die Anmeldung " +
      "keinem Konto zugeordnet. Bitte wenden Sie sich an die Administration.",
    sso_link_unconfirmed:
      "Zu dieser Adresse gehört ein Administrationskonto. Melden Sie sich mit Ihrem Passwort an " +
      "und bestätigen Sie unter »Mein Konto« die Verknüpfung mit dem Hochschul-Login.",
    sso_browser_mismatch:
      "Diese Anmeldung wurde in einem anderen Browser oder Tab begonnen. Bitte melden Sie sich " +
      "hier noch einmal an.",
    sso_identity_taken: "Dieser Hochschul-Login ist schon mit einem anderen Konto verknüpft.",
    sso_retry:
      "Das Konto hat sich während der Anmeldung geändert. Bitte melden Sie sich noch einmal an.",
    ssoHandoverIgnored:
      "Eine Anmeldung über den Hochschul-Login wurde verworfen: Sie sind hier schon angemeldet. " +
      "Um das Konto zu wechseln, melden Sie sich zuerst ab.",
    password_login_disabled:
      "Die Anmeldung mit Passwort ist abgeschaltet. Bitte nutzen Sie den Hochschul-Login.",
    idTitle: "Hochschul-Login",
    idIntro:
      "Mit diesen Identitäten des Hochschul-Logins melden Sie sich bei diesem Konto an. Eine " +
      "neue Verknüpfung eines Administrationskontos gilt erst, wenn Sie sie hier bestätigen.",
    idNone: "Keine Identität verknüpft.",
    idLinked: "verknüpft",
    idRequested: "wartet auf Ihre Bestätigung bis {until}",
    idSubject: "Kennung {subject}",
    idConfirm: "Verknüpfung bestätigen",
    idUnlink: "Verknüpfung aufheben",
    idRefuse: "Ablehnen",
    idConfirmed: "Verknüpft: Sie können sich mit diesem Hochschul-Login anmelden.",
    idUnlinked: "Verknüpfung aufgehoben.",
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
    sso_email_missing: "Your institution's login sent no email address.",
    sso_email_domain_not_allowed: "This email address may not sign in here.",
    sso_email_unverified:
      "Your institution's login does not confirm your email address, so the sign-in is not " +
      "matched to any account. Please contact the administrators.",
    sso_link_unconfirmed:
      "This address belongs to an administrator's account. Sign in with your password and " +
      "confirm the link to your institution's login under “My account”.",
    sso_browser_mismatch:
      "This sign-in was started in another browser or tab. Please sign in again here.",
    sso_identity_taken: "This institutional login is linked to another account already.",
    sso_retry: "The account changed during the sign-in. Please sign in again.",
    ssoHandoverIgnored:
      "A sign-in through your institution's login was discarded: you are signed in here " +
      "already. To change accounts, sign out first.",
    password_login_disabled:
      "Signing in with a password is switched off. Please use your institution's login.",
    idTitle: "Institutional login",
    idIntro:
      "You sign in to this account with these identities of your institution's login. A new " +
      "link to an administrator's account only holds once you confirm it here.",
    idNone: "No identity linked.",
    idLinked: "linked",
    idRequested: "waiting for your confirmation until {until}",
    idSubject: "identifier {subject}",
    idConfirm: "Confirm link",
    idUnlink: "Undo link",
    idRefuse: "Refuse",
    idConfirmed: "Linked: you can sign in with this institutional login.",
    idUnlinked: "Link undone.",
  },
});

/** A fresh random value for one sign-in (URL-safe base64 of 32 bytes). */
function newBinding() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/**
 * What the callback left in the fragment ({code} or {error}, with this tab's binding), removed
 * from the address bar; the binding serves one handover only.
 */
export function takeHandover() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const code = fragment.get("sso_code");
  const error = fragment.get("sso_error");
  if (!code && !error) return null;
  history.replaceState(null, "", location.pathname);
  const binding = sessionStorage.getItem(BINDING_KEY);
  sessionStorage.removeItem(BINDING_KEY);
  return { code, error, binding };
}

/** Trade the one-time code for the session: {token, agent}. */
export async function exchangeHandover({ code, binding }) {
  if (!binding) {
    // This tab started no sign-in: the code came from elsewhere.
    throw Object.assign(new Error(t("sso_browser_mismatch")), { code: "sso_browser_mismatch" });
  }
  const answer = await api("POST", "/auth/sso/exchange", { code, browser_binding: binding });
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
      const binding = newBinding();
      sessionStorage.setItem(BINDING_KEY, binding);
      const { authorization_url: url } = await api("POST", "/auth/sso/start", {
        browser_binding: binding,
      });
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

// ---- Mein Konto: the identities of this account ------------------------------------------------

/** The identities linked to one's account and the link requests waiting for confirmation. */
export function identitiesSection() {
  if (!session.sso) return null;
  const list = el("ul", { class: "identity-list", id: "identity-list" });
  const title = el("h2", { id: "account-identities", tabindex: "-1", text: t("idTitle") });
  const section = el(
    "section",
    { class: "account-section", "aria-labelledby": "account-identities" },
    title,
    el("p", { class: "muted", text: t("idIntro") }),
    list
  );
  const act = async (method, path, done) => {
    try {
      await api(method, path);
      toast(t(done));
      await show();
      title.focus(); // the row acted on is gone or changed
    } catch (failure) {
      showError(failure);
    }
  };
  const row = (identity, index) => {
    const labelId = `identity-${index}`;
    const path = `/me/identities/${encodeURIComponent(identity.identity_id)}`;
    const button = (text, onclick) =>
      el("button", {
        type: "button",
        class: "secondary",
        text,
        "aria-describedby": labelId,
        onclick,
      });
    const requested = identity.state === "requested";
    return el(
      "li",
      { class: "identity", "data-state": identity.state },
      el(
        "p",
        { id: labelId },
        el("strong", { text: identity.email }),
        " – ",
        requested
          ? t("idRequested", { until: formatDateTime(identity.expires_at) })
          : t("idLinked"),
        el("br"),
        el("small", { class: "muted", text: t("idSubject", { subject: identity.subject }) })
      ),
      el(
        "div",
        { class: "actions" },
        requested && button(t("idConfirm"), () => act("POST", `${path}/confirm`, "idConfirmed")),
        button(requested ? t("idRefuse") : t("idUnlink"), () => act("DELETE", path, "idUnlinked"))
      )
    );
  };
  const show = async () => {
    const { identities } = await api("GET", "/me/identities");
    replace(
      list,
      identities.length ? identities.map(row) : el("li", { class: "muted", text: t("idNone") })
    );
  };
  show().catch(showError);
  return section;
}
