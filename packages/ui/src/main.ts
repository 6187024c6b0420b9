/**
 * The one script of every UI page (a module, so deferred): common enhancements, then the page's own module chosen
 * by `<body data-page>`. Maps load on demand.
 */
import { initCatalogue } from "./catalogue.js";
import { copyButtons, localTimes, tickDurations } from "./common.js";
import { initForm } from "./form/index.js";
import { initHistory } from "./history.js";
import { initJob } from "./job.js";
import { initResults } from "./results.js";

localTimes();
copyButtons();
tickDurations();
switch (document.body.dataset.page) {
  case "catalogue":
    initCatalogue();
    break;
  case "process":
    initForm();
    break;
  case "history":
    initHistory();
    break;
  case "job":
    initJob();
    void initResults();
    break;
  case "results":
    void initResults();
    break;
}
