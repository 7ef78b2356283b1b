// A registration proves its address (S1): the API emails a link to /console/#verify=<token>;
// the console takes the token from the fragment (and out of the address bar) and confirms it.
import { addStrings, api } from "./core.js";

addStrings({
  de: {
    checkMailTitle: "Bitte bestätigen Sie Ihre E-Mail-Adresse",
    checkMailText:
      "Wir haben Ihnen eine E-Mail mit einem Link geschickt. Öffnen Sie den Link innerhalb von " +
      "24 Stunden, um Ihre Adresse zu bestätigen; erst danach sieht ein Administrator Ihre " +
      "Registrierung. Ohne Bestätigung verfällt sie.",
    checkMailBadge: "E-Mail-Adresse noch nicht bestätigt",
    confirmedTitle: "E-Mail-Adresse bestätigt",
    confirmedText:
      "Danke! Ihre Adresse ist bestätigt. Ein Administrator prüft jetzt Ihre Registrierung; " +
      "sobald Ihr Zugang freigeschaltet ist, erhalten Sie eine Bestätigungsmail und können " +
      "sich anmelden.",
    linkInvalidTitle: "Link ungültig",
    linkInvalidText:
      "Dieser Link wurde schon verwendet oder ist abgelaufen. Haben Sie Ihre Adresse schon " +
      "bestätigt, melden Sie sich einfach an; sonst registrieren Sie sich bitte noch einmal.",
    registerAgain: "Noch einmal registrieren",
    openLinkAgain: "Bitte öffnen Sie den Link in der E-Mail noch einmal.",
  },
  en: {
    checkMailTitle: "Please confirm your email address",
    checkMailText:
      "We have sent you an email with a link. Open the link within 24 hours to confirm your " +
      "address; only then does an administrator see your registration. Without confirmation " +
      "it lapses.",
    checkMailBadge: "Email address not confirmed yet",
    confirmedTitle: "Email address confirmed",
    confirmedText:
      "Thank you! Your address is confirmed. An administrator now reviews your registration; " +
      "once your account is approved, you receive a confirmation email and can sign in.",
    linkInvalidTitle: "Invalid link",
    linkInvalidText:
      "This link has been used already or has expired. If you confirmed your address " +
      "already, just sign in; otherwise please register again.",
    registerAgain: "Register again",
    openLinkAgain: "Please open the link in the email again.",
  },
});

/** The token of a confirmation link (#verify=...), removed from the address bar; or null. */
export function takeVerifyToken() {
  const token = new URLSearchParams(location.hash.slice(1)).get("verify");
  if (!token) return null;
  history.replaceState(null, "", location.pathname);
  return token;
}

/** Confirm the address; rejects with code "invalid_token" for a used, wrong or expired link. */
export function confirmAddress(token) {
  return api("POST", "/auth/verify-email", { token });
}
