// The site's one stylesheet and its favicon: static files every page links to (relatively), so a
// page carries none of it and a browser fetches them once.

// Readable type in a column, dark mode by the reader's own setting (prefers-color-scheme), tap
// targets of at least 44 px for everything that is only a link (WCAG 2.5.5), and nothing wider than
// the screen at 360 px: long words and URLs wrap, images and inputs shrink.
export const STYLESHEET = `:root{--bg:#fdfdfb;--fg:#1d1d1f;--muted:#5f6368;--line:#dcdcd6;--link:#0b57d0;--chip:#eef1f6;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#16181c;--fg:#e6e6e3;--muted:#a0a4ab;--line:#33363d;--link:#8ab4f8;--chip:#23262d}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.55 Charter,"Bitstream Charter","Sitka Text",Cambria,Georgia,serif;overflow-wrap:anywhere}
a{color:var(--link)}
header,main,footer{max-width:44rem;margin:0 auto;padding:0 1rem}
header{display:flex;flex-wrap:wrap;align-items:center;gap:0 1rem;border-bottom:1px solid var(--line);padding-top:.5rem;padding-bottom:.5rem}
.site{font:700 1.25rem/1.2 system-ui,sans-serif;text-decoration:none;color:var(--fg);margin-right:auto}
nav,.chips,.pager,.feeds{display:flex;flex-wrap:wrap;gap:0 .25rem;font-family:system-ui,sans-serif}
nav a,.chips a,.pager a,.feeds a,.site,.more{display:inline-flex;align-items:center;min-height:44px;min-width:44px;padding:0 .5rem}
.chips a{font-size:.85rem;text-decoration:none;background:var(--chip);border-radius:1rem;min-height:44px;margin:.1rem 0}
form{display:flex;gap:.25rem;width:100%;margin:.25rem 0}
input[type=search]{flex:1;min-width:0;min-height:44px;font:inherit;padding:0 .6rem;border:1px solid var(--line);border-radius:.4rem;background:var(--bg);color:var(--fg)}
button{min-height:44px;min-width:44px;font:600 1rem system-ui,sans-serif;padding:0 1rem;border:0;border-radius:.4rem;background:var(--link);color:var(--bg)}
h1{font:700 1.7rem/1.2 system-ui,sans-serif;margin:1.2rem 0 .4rem}
h2.day{font:600 .9rem/1.2 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);border-bottom:1px solid var(--line);padding:1.4rem 0 .4rem;margin:0}
.story{padding:.6rem 0;border-bottom:1px solid var(--line)}
.story h3{font:600 1.2rem/1.3 system-ui,sans-serif;margin:0}
.story h3 a{display:block;padding:.35rem 0;text-decoration:none}
.story p{margin:.2rem 0}
.story::after{content:"";display:block;clear:both}
article img.thumb{float:right;width:6rem;height:4rem;object-fit:cover;margin:.35rem 0 .3rem .6rem;border-radius:.3rem}
article audio{width:100%}
.meta{color:var(--muted);font:.85rem/1.5 system-ui,sans-serif}
.meta a{color:inherit}
.notice{border-left:4px solid var(--link);padding:.4rem .8rem;background:var(--chip)}
.state{display:grid;grid-template-columns:auto 1fr;gap:.1rem 1rem;font:.9rem/1.5 system-ui,sans-serif}
.state dt{color:var(--muted)}.state dd{margin:0}
article img,article video,article iframe{max-width:100%;height:auto}
article pre{overflow-x:auto}
article table{display:block;overflow-x:auto}
ul.list{list-style:none;padding:0}ul.list li{padding:.3rem 0;border-bottom:1px solid var(--line)}
footer{margin-top:2rem;padding-bottom:2rem;border-top:1px solid var(--line)}
`;

/** An "T" on a blue disc: small enough to serve as is. */
export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="16" fill="#0b57d0"/><path d="M9 9h14v4h-5v12h-4V13H9z" fill="#fff"/></svg>
`;

/** The address bar's colour, light and dark (the favicon's blue, and the dark background). */
export const THEME_COLOURS = { light: '#0b57d0', dark: '#16181c' } as const;
