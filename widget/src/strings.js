// Every text of the chat window, in German (the wording of the university's tutorial, see
// docs/features.md) and English. `{name}` and friends are filled in by `t()` in chat.js.
export const STRINGS = {
  de: {
    title: "Live-Chat",
    tagline: "Wir sind für Sie da",
    welcome: "Hallo! Wie können wir Ihnen helfen? Mit Ihrer ersten Nachricht beginnt der Chat.",
    anonymous: "Sie chatten anonym, ohne Anmeldung.",
    anonymousAs: "Sie chatten anonym als {name}.",
    bell: "Benachrichtigungs-Ton ausschalten",
    options: "Optionen",
    endChat: "Chat beenden",
    endTitle: "Chat beenden?",
    endText:
      "Danach können Sie jederzeit einen neuen Chat beginnen. Möchten Sie den Verlauf vorher " +
      "als Textdatei speichern? Die Datei entsteht in Ihrem Browser, gespeichert wird nichts.",
    download: "Verlauf herunterladen",
    transcript: "Live-Chat vom {date}",
    transcriptFile: "[Datei: {name}]",
    trash: "Datenschutz und Löschung Ihrer Daten",
    minimise: "Chat schließen (das Fenster minimiert sich)",
    message: "Nachricht",
    placeholder: "Nachricht schreiben …",
    send: "Senden",
    emoji: "Emoji einfügen",
    attach: "Datei anhängen (Bild, PDF oder Text)",
    uploading: "Datei wird hochgeladen",
    cancelUpload: "Abbrechen",
    fileTooLarge: "Die Datei ist zu groß (höchstens {max} MB).",
    fileType: "Dieser Dateityp ist nicht erlaubt (nur Bilder, PDF und Text).",
    fileFailed: "Die Datei konnte nicht gesendet werden. Bitte versuchen Sie es noch einmal.",
    filesOff: "In diesem Chat können keine Dateien gesendet werden.",
    downloadFile: "{name} herunterladen",
    openImage: "Bild {name} groß öffnen",
    emojis: "Emojis",
    messages: "Chatverlauf",
    you: "Sie",
    sending: "wird gesendet …",
    notSent: "nicht gesendet",
    typing: "{name} schreibt …",
    queue:
      "Sie sind in der Warteschleife (Position {position}). Bitte haben Sie einen Moment Geduld.",
    queueNoPosition: "Sie sind in der Warteschleife. Bitte haben Sie einen Moment Geduld.",
    preview: "Jemand ist in Kürze für Sie da.",
    reconnecting: "Verbindung unterbrochen. Neuer Versuch läuft …",
    unavailable:
      "Im Moment ist leider niemand erreichbar. Bitte versuchen Sie es später noch einmal.",
    failed: "Das hat nicht geklappt. Bitte versuchen Sie es noch einmal.",
    tooLong: "Die Nachricht ist zu lang (höchstens {max} Zeichen).",
    notAllowed: "Der Chat ist auf dieser Seite nicht freigegeben.",
    unreachable: "Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.",
    ended: "Der Chat ist beendet.",
    restart: "Neuen Chat beginnen",
    rateChat: "Chat bewerten",
    rateQuestion: "Wie zufrieden waren Sie mit dem Chat?",
    rateStar: "{n} von 5 Sternen",
    rateComment: "Kommentar (freiwillig, höchstens 500 Zeichen)",
    rateSend: "Bewertung senden",
    rateLater: "Nicht bewerten",
    rateChoose: "Bitte wählen Sie 1 bis 5 Sterne.",
    rateThanks: "Danke für Ihre Bewertung!",
    status_online: "online",
    status_away: "abwesend",
    status_busy: "beschäftigt",
    status_offline: "offline",
    sys_preview: "Jemand ist in Kürze für Sie da.",
    sys_taken: "{name} hat den Chat übernommen.",
    sys_returned:
      "Der Chat wurde zurück in die Warteschleife gegeben. Die nächste freie Person antwortet Ihnen.",
    sys_forwarded: "Der Chat wurde an {name} weitergeleitet.",
    sys_closed: "Der Chat wurde beendet.",
    sys_agent_gone:
      "{name} ist nicht mehr erreichbar. Ihre Anfrage ist zurück in der Warteschleife; die " +
      "nächste freie Person antwortet Ihnen.",
    sys_agent_gone_nobody:
      "{name} ist nicht mehr erreichbar, und gerade kann niemand sonst antworten. Sie können " +
      "den Chat beenden und uns später noch einmal schreiben.",
    sys_taken_over: "{name} hat den Chat übernommen.",
    privacyTitle: "Datenschutz",
    privacyText1:
      "Der Chat ist anonym: Sie erscheinen als {name}, ohne Anmeldung und ohne Cookies. " +
      "Das Chat-Fenster merkt sich in diesem Browser nur Ihre Gast-Kennung, damit der Chat " +
      "nach dem Neuladen der Seite weitergeht. Ihre Nachrichten liegen auf dem Chat-Server.",
    privacyText1NoName:
      "Der Chat ist anonym: Sie erscheinen als Gast mit einer Nummer, ohne Anmeldung und ohne " +
      "Cookies. Das Chat-Fenster merkt sich in diesem Browser nur Ihre Gast-Kennung, damit der " +
      "Chat nach dem Neuladen der Seite weitergeht. Ihre Nachrichten liegen auf dem Chat-Server.",
    privacyText2:
      "Beendete Chats werden nach Ablauf der Aufbewahrungsfrist automatisch gelöscht. " +
      "Sie können Ihre Daten auch jetzt sofort löschen.",
    deleteData: "Meine Daten löschen",
    back: "Zurück",
    confirmDelete:
      "Wirklich alle Ihre Daten löschen? Der Chat wird beendet, alle Nachrichten und Ihre " +
      "Gast-Kennung werden gelöscht. Das lässt sich nicht rückgängig machen.",
    confirmYes: "Ja, alles löschen",
    cancel: "Abbrechen",
    goneTitle: "Ihre Daten wurden gelöscht.",
    goneText:
      "Der Chat, alle Nachrichten und Ihre Gast-Kennung sind entfernt. Wenn Sie wieder " +
      "schreiben, beginnt ein neuer, anonymer Chat.",
    privacyLink: "Datenschutzhinweis",
    leaveTitle: "Nachricht hinterlassen",
    leaveIntro:
      "Gerade kann niemand antworten. Schreiben Sie uns, wir antworten per E-Mail und hier im " +
      "Chat-Fenster.",
    leaveText: "Ihre Nachricht",
    leaveEmail: "Ihre E-Mail-Adresse",
    leaveName: "Ihr Name (freiwillig)",
    leaveConsent:
      "Wir verwenden Ihre Adresse nur, um Ihnen zu dieser Nachricht zu antworten, und löschen " +
      "sie mit dem Chat. Mehr im Datenschutzhinweis.",
    leaveSend: "Nachricht senden",
    leaveSent: "Ihre Nachricht ist angekommen. Die Antwort kommt per E-Mail und hier.",
    leaveNoText: "Bitte schreiben Sie Ihre Nachricht.",
    badEmail: "Bitte geben Sie eine gültige E-Mail-Adresse an.",
    mailTranscript: "Verlauf per E-Mail senden",
    transcriptText:
      "Wir senden Ihnen den Verlauf dieses Chats, sobald er beendet ist (einmal pro Chat). " +
      "Die Adresse wird danach nicht gespeichert.",
    transcriptSend: "Verlauf senden",
    transcriptNow: "Der Verlauf ist unterwegs zu Ihnen.",
    transcriptLater: "Der Verlauf kommt per E-Mail, sobald der Chat beendet ist.",
    transcriptAgain: "Der Verlauf dieses Chats wurde schon angefordert.",
  },
  en: {
    title: "Live chat",
    tagline: "We are here to help",
    welcome: "Hello! How can we help you? Your first message starts the chat.",
    anonymous: "You chat anonymously, without signing in.",
    anonymousAs: "You chat anonymously as {name}.",
    bell: "Mute notification sound",
    options: "Options",
    endChat: "End chat",
    endTitle: "End the chat?",
    endText:
      "You can start a new chat at any time afterwards. Would you like to save the conversation " +
      "as a text file first? The file is made in your browser; nothing is stored.",
    download: "Download conversation",
    transcript: "Live chat of {date}",
    transcriptFile: "[File: {name}]",
    trash: "Privacy and deleting your data",
    minimise: "Close chat (the window is minimised)",
    message: "Message",
    placeholder: "Write a message …",
    send: "Send",
    emoji: "Insert emoji",
    attach: "Attach a file (image, PDF or text)",
    uploading: "Uploading the file",
    cancelUpload: "Cancel",
    fileTooLarge: "The file is too large (at most {max} MB).",
    fileType: "This type of file is not allowed (only images, PDF and text).",
    fileFailed: "The file could not be sent. Please try again.",
    filesOff: "Files cannot be sent in this chat.",
    downloadFile: "Download {name}",
    openImage: "Open image {name} large",
    emojis: "Emojis",
    messages: "Chat history",
    you: "You",
    sending: "sending …",
    notSent: "not sent",
    typing: "{name} is typing …",
    queue: "You are in the queue (position {position}). Please bear with us for a moment.",
    queueNoPosition: "You are in the queue. Please bear with us for a moment.",
    preview: "Someone will be with you shortly.",
    reconnecting: "Connection lost. Reconnecting …",
    unavailable: "Sorry, nobody is available right now. Please try again later.",
    failed: "That did not work. Please try again.",
    tooLong: "The message is too long (at most {max} characters).",
    notAllowed: "The chat is not enabled on this page.",
    unreachable: "The chat cannot be reached right now. Please try again later.",
    ended: "The chat has ended.",
    restart: "Start a new chat",
    rateChat: "Rate the chat",
    rateQuestion: "How satisfied were you with the chat?",
    rateStar: "{n} of 5 stars",
    rateComment: "Comment (optional, at most 500 characters)",
    rateSend: "Send rating",
    rateLater: "Do not rate",
    rateChoose: "Please choose 1 to 5 stars.",
    rateThanks: "Thank you for your rating!",
    status_online: "online",
    status_away: "away",
    status_busy: "busy",
    status_offline: "offline",
    sys_preview: "Someone will be with you shortly.",
    sys_taken: "{name} has joined the chat.",
    sys_returned: "The chat was returned to the queue. The next available person will answer.",
    sys_forwarded: "The chat was forwarded to {name}.",
    sys_agent_gone:
      "{name} is no longer reachable. Your request is back in the queue; the next available " +
      "person will answer.",
    sys_agent_gone_nobody:
      "{name} is no longer reachable, and nobody else can answer right now. You can end the " +
      "chat and write to us again later.",
    sys_taken_over: "{name} has taken over the chat.",
    sys_closed: "The chat has ended.",
    privacyTitle: "Privacy",
    privacyText1:
      "This chat is anonymous: you appear as {name}, without signing in and without cookies. " +
      "In this browser the chat window keeps only your guest identity, so that the chat goes " +
      "on after a reload. Your messages are kept on the chat server.",
    privacyText1NoName:
      "This chat is anonymous: you appear as a numbered guest, without signing in and without " +
      "cookies. In this browser the chat window keeps only your guest identity, so that the " +
      "chat goes on after a reload. Your messages are kept on the chat server.",
    privacyText2:
      "Ended chats are deleted automatically when the retention period is over. " +
      "You can also delete your data right now.",
    deleteData: "Delete my data",
    back: "Back",
    confirmDelete:
      "Really delete all your data? The chat ends, and all messages and your guest identity " +
      "are deleted. This cannot be undone.",
    confirmYes: "Yes, delete everything",
    cancel: "Cancel",
    goneTitle: "Your data has been deleted.",
    goneText:
      "The chat, all messages and your guest identity are gone. If you write again, a new " +
      "anonymous chat begins.",
    privacyLink: "Privacy notice",
    leaveTitle: "Leave a message",
    leaveIntro:
      "Nobody can answer right now. Write to us, and we will reply by email and here in the " +
      "chat window.",
    leaveText: "Your message",
    leaveEmail: "Your email address",
    leaveName: "Your name (optional)",
    leaveConsent:
      "We use your address only to reply to this message, and delete it with the chat. More " +
      "in the privacy notice.",
    leaveSend: "Send message",
    leaveSent: "Your message has arrived. The reply comes by email and here.",
    leaveNoText: "Please write your message.",
    badEmail: "Please give a valid email address.",
    mailTranscript: "Email the transcript",
    transcriptText:
      "We send you this chat's transcript once it has ended (once per chat). The address is " +
      "not kept after that.",
    transcriptSend: "Send transcript",
    transcriptNow: "The transcript is on its way to you.",
    transcriptLater: "The transcript comes by email once the chat has ended.",
    transcriptAgain: "This chat's transcript was asked for already.",
  },
};
