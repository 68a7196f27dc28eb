// Similar ideas while someone writes one: a progressive enhancement. The
// idea form carries `data-similar-ideas` (the address of a small HTML
// fragment) and an empty live region, #similar-ideas. As the title and the
// problem change, this fetches the fragment for what has been typed and puts
// it in the region, which screen readers announce politely. Without
// JavaScript nothing happens here: the check page lists similar ideas anyway.
const WAIT_MS = 600;
const MIN_LENGTH = 8;

export function initSimilarIdeas(root = document) {
  for (const form of root.querySelectorAll('form[data-similar-ideas]')) {
    const region = form.querySelector('#similar-ideas');
    const title = form.querySelector('[name="title"]');
    const problem = form.querySelector('[name="problem"]');
    if (!region || !title || !problem) continue;
    const source = form.getAttribute('data-similar-ideas');
    let timer;
    let asked = '';
    let controller;
    const ask = async () => {
      const text = `${title.value} ${problem.value}`.trim().slice(0, 600);
      if (text === asked) return;
      asked = text;
      controller?.abort();
      if (text.length < MIN_LENGTH) {
        region.replaceChildren();
        return;
      }
      controller = new AbortController();
      const url = new URL(source, window.location.href);
      url.searchParams.set('q', text);
      try {
        const response = await fetch(url, {
          credentials: 'same-origin',
          headers: { Accept: 'text/html' },
          signal: controller.signal,
        });
        if (!response.ok) return;
        const html = await response.text();
        // The fragment is our own server's escaped HTML; parse it inertly
        // and move its nodes in, rather than assigning innerHTML.
        const doc = new DOMParser().parseFromString(html, 'text/html');
        region.replaceChildren(...doc.body.childNodes);
      } catch (error) {
        if (error.name !== 'AbortError') region.replaceChildren();
      }
    };
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(ask, WAIT_MS);
    };
    title.addEventListener('input', later);
    problem.addEventListener('input', later);
  }
}
