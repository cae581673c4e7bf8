/** "1 feed", "2 feeds"; `many` for words that do not take an s ("1 entry", "2 entries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
