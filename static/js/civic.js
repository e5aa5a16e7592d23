// Progressive enhancement only: every page works without this file.
import { initAll } from "../vendor/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A link to something folded inside <details> (a section of a case page, a meeting, a comment)
// opens every <details> around it, so the link never lands on a hidden place.
function openAround(id) {
  const target = id && document.getElementById(id);
  for (let details = target && target.closest("details"); details;
    details = details.parentElement && details.parentElement.closest("details")) {
    details.open = true;
  }
  return target;
}

function hashId(hash) {
  try {
    return decodeURIComponent(hash.slice(1));
  } catch {
    return "";
  }
}

document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#"]');
  if (link) openAround(hashId(link.getAttribute("href")));
});
window.addEventListener("hashchange", () => openAround(hashId(window.location.hash)));
if (window.location.hash) {
  const target = openAround(hashId(window.location.hash));
  if (target) target.scrollIntoView();
}

// What folds away only to save a phone's screen (the filters of /cases) is open from a tablet up.
if (window.matchMedia("(min-width: 40.0625em)").matches) {
  for (const details of document.querySelectorAll("details[data-open-wide]")) {
    details.open = true;
  }
}

// A public comment that reads like an allegation of corruption: offer the confidential report channel
// beside the box as the words are typed. Never blocking: the comment can still be posted.
for (const box of document.querySelectorAll("textarea[data-allegation-words]")) {
  const words = box.dataset.allegationWords.split("|").filter(Boolean);
  const hint = box.form && box.form.querySelector("[data-allegation-hint]");
  if (!hint) continue;
  const check = () => {
    const text = box.value.toLowerCase();
    hint.hidden = !words.some((word) => text.includes(word.toLowerCase()));
  };
  box.addEventListener("input", check);
  check();
}
