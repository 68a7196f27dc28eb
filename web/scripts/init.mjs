// Starts GOV.UK Frontend's scripts from a file rather than an inline script,
// so the app's Content-Security-Policy can forbid inline scripts.
// Browsers that cannot run modules never load this, which is the support test
// GOV.UK Frontend asks for; the classes tell its CSS that scripts are running.
import { initAll } from "./govuk-frontend.min.js";
import { initSimilarIdeas } from "./similar.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
initSimilarIdeas();

// GOV.UK Frontend marks a radio or checkbox that reveals more questions with
// aria-expanded, which ARIA does not allow on those roles (axe reports it as
// a critical WCAG 4.1.2 failure; govuk-frontend issue #979). aria-controls
// stays, and the revealed questions follow their choice in the reading order.
const choices = "input[type=radio][aria-expanded], input[type=checkbox][aria-expanded]";
const strip = () => {
  for (const input of document.querySelectorAll(choices)) {
    input.removeAttribute("aria-expanded");
  }
};
strip();
new MutationObserver(strip).observe(document.body, {
  subtree: true,
  attributes: true,
  attributeFilter: ["aria-expanded"],
});
