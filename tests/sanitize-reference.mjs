// The sanitize-html configuration that src/normalize/html.ts used before the one-pass walk of
// html-walk.ts (issue 23), kept as the reference the walk is compared with
// (tests/normalize/html-walk.test.ts) and measured against (tests/bench/html.mjs). It reads the
// walk's own ALLOWLIST, so that what the comparison checks is the walk's way of applying a list
// (sanitize-html's steps), not a second copy of the list. `resolveUrl` and the allowlist are passed
// in so that the TypeScript tests (src/) and the benchmark (dist/) share this file.
export function referenceOptions(base, resolveUrl, allowlist) {
  return {
    allowedTags: [...allowlist.tags],
    allowedAttributes: { ...allowlist.attributes, '*': [...allowlist.everywhere] },
    allowedSchemes: [...allowlist.schemes],
    allowedSchemesByTag: { img: [...allowlist.imageSchemes] },
    allowProtocolRelative: true,
    disallowedTagsMode: 'discard',
    nonTextTags: [...allowlist.nonText],
    transformTags: {
      '*': (tagName, attribs) => {
        for (const name of allowlist.urlAttributes)
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
