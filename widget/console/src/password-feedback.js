// Why a password is too easy to guess, in German: zxcvbn's feedback (and the server's own two
// sentences) come in English only, a fixed set of sentences; each is translated by its text.
const GERMAN = {
  "A word by itself is easy to guess.": "Ein einzelnes Wort ist leicht zu erraten.",
  "Add another word or two. Uncommon words are better.":
    "Fügen Sie ein oder zwei Wörter hinzu; ungewöhnliche Wörter sind besser.",
  "All-uppercase is almost as easy to guess as all-lowercase.":
    "Nur Großbuchstaben sind fast so leicht zu erraten wie nur Kleinbuchstaben.",
  "Avoid dates and years that are associated with you.":
    "Vermeiden Sie Daten und Jahreszahlen, die mit Ihnen zu tun haben.",
  "Avoid recent years.": "Vermeiden Sie Jahreszahlen der letzten Jahre.",
  "Avoid repeated words and characters.": "Vermeiden Sie wiederholte Wörter und Zeichen.",
  "Avoid sequences.": "Vermeiden Sie Zeichenfolgen wie „abc“ oder „123“.",
  "Avoid years that are associated with you.":
    "Vermeiden Sie Jahreszahlen, die mit Ihnen zu tun haben.",
  "Capitalization doesn't help very much.": "Großschreibung hilft kaum.",
  "Common names and surnames are easy to guess.":
    "Häufige Vor- und Nachnamen sind leicht zu erraten.",
  "Dates are often easy to guess.": "Daten sind oft leicht zu erraten.",
  "Names and surnames by themselves are easy to guess.":
    "Vor- und Nachnamen allein sind leicht zu erraten.",
  "No need for symbols, digits, or uppercase letters.":
    "Sonderzeichen, Ziffern oder Großbuchstaben sind nicht nötig.",
  "Predictable substitutions like '@' instead of 'a' don't help very much.":
    "Vorhersehbare Ersetzungen wie „@“ statt „a“ helfen kaum.",
  "Recent years are easy to guess.": "Jahreszahlen der letzten Jahre sind leicht zu erraten.",
  'Repeats like "aaa" are easy to guess.': "Wiederholungen wie „aaa“ sind leicht zu erraten.",
  'Repeats like "abcabcabc" are only slightly harder to guess than "abc".':
    "Wiederholungen wie „abcabcabc“ sind kaum schwerer zu erraten als „abc“.",
  "Reversed words aren't much harder to guess.":
    "Rückwärts geschriebene Wörter sind kaum schwerer zu erraten.",
  'Sequences like "abc" or "6543" are easy to guess.':
    "Folgen wie „abc“ oder „6543“ sind leicht zu erraten.",
  "Short keyboard patterns are easy to guess.": "Kurze Tastaturmuster sind leicht zu erraten.",
  "Straight rows of keys are easy to guess.": "Gerade Tastenreihen sind leicht zu erraten.",
  "This is a top-10 common password.": "Das ist eines der 10 häufigsten Passwörter.",
  "This is a top-100 common password.": "Das ist eines der 100 häufigsten Passwörter.",
  "This is a very common password.": "Das ist ein sehr häufiges Passwort.",
  "This is similar to a commonly used password.": "Das ähnelt einem häufigen Passwort.",
  "Use a few words, avoid common phrases.":
    "Nehmen Sie mehrere Wörter und vermeiden Sie gängige Redewendungen.",
  "Use a longer keyboard pattern with more turns.":
    "Nehmen Sie ein längeres Tastaturmuster mit mehr Richtungswechseln.",
  "It follows a pattern that is easy to guess.": "Es folgt einem leicht zu erratenden Muster.",
  "A common word with a number or symbols added is among the most common passwords.":
    "Ein gängiges Wort mit angehängter Zahl oder Sonderzeichen gehört zu den häufigsten Passwörtern.",
  "Add another word or two, uncommon ones.":
    "Fügen Sie ein oder zwei weitere, ungewöhnliche Wörter hinzu.",
};
const SENTENCES = Object.keys(GERMAN).sort((a, b) => b.length - a.length);
const TOO_SHORT = /at least (\d+) characters are needed \((\d+) given\)/;

/** The text with each of zxcvbn's (and the server's) English sentences in German. */
export function germanPasswordFeedback(text) {
  let german = text.replace(TOO_SHORT, "Mindestens $1 Zeichen sind nötig ($2 eingegeben).");
  for (const sentence of SENTENCES) german = german.split(sentence).join(GERMAN[sentence]);
  return german;
}
