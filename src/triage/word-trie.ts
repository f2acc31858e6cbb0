/**
 * Membership of a-z words in a few word lists, read straight off a plain-ASCII text without
 * making a string per word. Language ID asks this of every post (which function words does it
 * have, and how many letters); lower-casing the post and slicing out its words cost more than
 * the lookups. Words with anything but a-z in them cannot be read this way and are left out:
 * callers only ask about ASCII text, whose letter runs are exactly a-z once lower-cased.
 */
const LETTERS = 26;

export interface AsciiWordCounts {
  /** Runs of ASCII letters, as `/\p{L}+/u` finds them in lower-cased plain-ASCII text. */
  words: number;
  letters: number;
  /** Per list given to the trie, how many of the words are in it (a word in two lists counts in both). */
  inList: Int32Array;
}

export class WordTrie {
  private next: Int32Array;
  private lists: Int32Array;
  private nodes = 1;
  private readonly counts: AsciiWordCounts;

  constructor(lists: ReadonlyArray<Iterable<string>>) {
    if (lists.length > 30) throw new Error('WordTrie: at most 30 lists');
    this.next = new Int32Array(64 * LETTERS);
    this.lists = new Int32Array(64);
    lists.forEach((list, bit) => {
      for (const w of list) if (/^[a-z]+$/.test(w)) this.add(w, bit);
    });
    this.counts = { words: 0, letters: 0, inList: new Int32Array(lists.length) };
  }

  private add(word: string, bit: number): void {
    let node = 0;
    for (let i = 0; i < word.length; i += 1) {
      const at = node * LETTERS + word.charCodeAt(i) - 97;
      if (this.next[at] === 0) {
        if (this.nodes === this.lists.length) this.grow();
        this.next[at] = this.nodes;
        this.nodes += 1;
      }
      node = this.next[at] as number;
    }
    this.lists[node] = (this.lists[node] as number) | (1 << bit);
  }

  private grow(): void {
    const next = new Int32Array(this.next.length * 2);
    next.set(this.next);
    this.next = next;
    const lists = new Int32Array(this.lists.length * 2);
    lists.set(this.lists);
    this.lists = lists;
  }

  /**
   * Counts for `text`, which must be plain ASCII (null otherwise). The result is reused by the
   * next call: read it before calling again.
   */
  countAscii(text: string): AsciiWordCounts | null {
    const c = this.counts;
    c.words = 0;
    c.letters = 0;
    c.inList.fill(0);
    // -1: in no word; 0..: the trie node of the word so far; -2: a word that left the trie.
    let node = -1;
    for (let i = 0; i <= text.length; i += 1) {
      let code = i < text.length ? text.charCodeAt(i) : 0;
      if (code > 0x7f) return null;
      if (code >= 65 && code <= 90) code += 32;
      if (code >= 97 && code <= 122) {
        if (node === -1) {
          node = 0;
          c.words += 1;
        }
        c.letters += 1;
        if (node >= 0) node = (this.next[node * LETTERS + code - 97] as number) || -2;
      } else if (node !== -1) {
        if (node > 0) this.tally(this.lists[node] as number);
        node = -1;
      }
    }
    return c;
  }

  private tally(bits: number): void {
    for (let b = 0; bits !== 0; b += 1, bits >>>= 1) if (bits & 1) this.counts.inList[b] = (this.counts.inList[b] as number) + 1;
  }
}
