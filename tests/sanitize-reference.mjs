// The sanitize-html configuration that src/normalize/html.ts used before the one-pass walk of
// html-walk.ts (issue 23), kept as the reference the walk is compared with
// (tests/normalize/html-walk.test.ts) and measured against (tests/bench/html.mjs). `resolveUrl` is
// src/lib/urls.ts's, passed in so that the TypeScript tests and the benchmark over dist/ share it.
const URL_ATTRS = ['href', 'src', 'cite'];

export function referenceOptions(base, resolveUrl) {
  return {
    allowedTags: [
      'p',
      'br',
      'hr',
      'div',
      'span',
      'a',
      'img',
      'figure',
      'figcaption',
      'picture',
      'ul',
      'ol',
      'li',
      'dl',
      'dt',
      'dd',
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'blockquote',
      'q',
      'cite',
      'pre',
      'code',
      'kbd',
      'samp',
      'var',
      'table',
      'thead',
      'tbody',
      'tfoot',
      'tr',
      'th',
      'td',
      'caption',
      'colgroup',
      'col',
      'em',
      'strong',
      'b',
      'i',
      'u',
      's',
      'del',
      'ins',
      'sub',
      'sup',
      'small',
      'mark',
      'abbr',
      'time',
      'address',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'name', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      blockquote: ['cite'],
      q: ['cite'],
      td: ['colspan', 'rowspan', 'headers'],
      th: ['colspan', 'rowspan', 'scope', 'headers'],
      ol: ['start', 'reversed', 'type'],
      li: ['value'],
      time: ['datetime'],
      abbr: ['title'],
      '*': ['lang', 'dir'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowProtocolRelative: true,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript'],
    transformTags: {
      '*': (tagName, attribs) => {
        for (const name of URL_ATTRS)
          if (attribs[name] !== undefined) attribs[name] = resolveUrl(attribs[name], base) ?? '';
        if (tagName === 'a' && attribs.href) attribs.rel = 'noopener noreferrer';
        else delete attribs.rel;
        if (
          tagName === 'img' &&
          attribs.src?.toLowerCase().startsWith('data:') &&
          !/^data:image\/(?!svg)/i.test(attribs.src)
        )
          delete attribs.src;
        return { tagName, attribs };
      },
    },
    exclusiveFilter: (frame) =>
      frame.tag === 'img' && (!frame.attribs.src || (frame.attribs.width === '1' && frame.attribs.height === '1')),
  };
}
