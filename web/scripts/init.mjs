// Starts GOV.UK Frontend's scripts from a file rather than an inline script,
// so the app's Content-Security-Policy can forbid inline scripts.
// Browsers that cannot run modules never load this, which is the support test
// GOV.UK Frontend asks for; the classes tell its CSS that scripts are running.
import { initAll } from "./govuk-frontend.min.js";
import { initSimilarIdeas } from "./similar.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
initSimilarIdeas();
