/** The process page's form: rows, uploads, maps, preview, re-run and submit. */
import { $ } from "../dom.js";
import { initBboxMaps } from "./bbox.js";
import { initPreview } from "./preview.js";
import { initRerun } from "./rerun.js";
import { initRows } from "./rows.js";
import { initSubmit } from "./submit.js";
import { initUploads } from "./uploads.js";

/** Wire the execute form, if the page has one. */
export function initForm(): void {
  const form = $<HTMLFormElement>("form.execute");
  if (!form) return;
  const refresh = initPreview(form);
  initRows(form, refresh);
  initUploads(form, refresh);
  initBboxMaps(form, refresh);
  initSubmit(form);
  void initRerun(form, refresh);
  refresh();
}
