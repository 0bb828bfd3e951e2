// The plain text of an HTML email, for the local inbox: a paragraph or heading is a block, a
// <br> a line break, a link its words and then its address. An email rendered by
// functions/core/emails.ts comes out as its own text part under its heading
// (tests/unit/emails.test.ts holds them to that). CommonJS, because cognito-relay.cjs is
// preloaded with `node --require`.
function htmlToText(html) {
  return html
    .replace(/<head[\s>][\s\S]*?<\/head>/gi, '')
    .replace(/<a\s[^>]*?href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2: $1')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|h[1-6]|div|li)>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

module.exports = { htmlToText };
